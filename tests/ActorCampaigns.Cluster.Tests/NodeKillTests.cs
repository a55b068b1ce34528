using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>A machine dies (SIGKILL) while it runs a campaign: the campaign moves and completes, each message sent once.</summary>
public sealed class NodeKillTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task The_campaign_of_a_killed_node_completes_on_a_survivor_with_exact_counts_and_no_message_twice()
    {
        var (id, host, victim) = await SendingAsync(cluster);
        var sentBefore = await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'");
        victim.Kill();
        Assert.InRange(sentBefore, 1, OptedIn - 1);

        var survivor = cluster.Nodes.First(n => n != victim);
        var completed = await AwaitAsync(survivor, id, Completed);
        Assert.NotEqual(host, completed.GetProperty("node").GetString());
        await AssertEachSentOnceAsync(cluster, id, completed);
    }
}
