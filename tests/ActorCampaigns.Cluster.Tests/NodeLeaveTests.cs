using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>A node is stopped the orderly way (SIGTERM, as a platform does on a rolling update): it leaves the cluster and hands its campaigns over.</summary>
public sealed class NodeLeaveTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task A_node_that_leaves_hands_its_running_campaign_over_without_losing_or_repeating_a_message()
    {
        await ImportProfilesAsync(cluster.Nodes[0]);
        var id = await PublishAsync(cluster.Nodes[0], 1, throttle: 150);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => Mail(s).GetProperty("out").GetProperty("out").GetInt64() >= 200, seconds: 60);
        var host = sending.GetProperty("node").GetString()!;
        var leaving = cluster.NodeAt(host);
        await leaving.SignalAsync("TERM");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!leaving.HasExited && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.True(leaving.HasExited, $"the node did not stop within 60 s of SIGTERM:\n{leaving.Log}");

        var survivor = cluster.Nodes.First(n => n != leaving);
        var completed = await AwaitAsync(survivor, id, s => Completed(s) && s.GetProperty("node").GetString() != host);
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}' AND state <> 'sent'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT SUM(count) FROM delivery_batches WHERE campaign = '{id}'"));
    }
}
