using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>A machine dies (SIGKILL) while it runs a campaign: the campaign moves and completes, each message sent once.</summary>
public sealed class NodeKillTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task The_campaign_of_a_killed_node_completes_on_a_survivor_with_exact_counts_and_no_message_twice()
    {
        await ImportProfilesAsync(cluster.Nodes[0]);
        // 1,500 emails at 150 a second, in batches of 100: some ten seconds of sending to die in the middle of.
        var id = await PublishAsync(cluster.Nodes[0], 1, throttle: 150);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => Mail(s).GetProperty("out").GetProperty("out").GetInt64() >= 200, seconds: 60);
        var host = sending.GetProperty("node").GetString()!;
        var victim = cluster.NodeAt(host);
        var sentBefore = await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'");
        victim.Kill();
        Assert.InRange(sentBefore, 1, OptedIn - 1);

        var survivor = cluster.Nodes.First(n => n != victim);
        var completed = await AwaitAsync(survivor, id, Completed);
        Assert.NotEqual(host, completed.GetProperty("node").GetString());
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(DISTINCT profile) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}' AND state <> 'sent'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT SUM(count) FROM delivery_batches WHERE campaign = '{id}'"));
    }
}
