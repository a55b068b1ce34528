using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// A node stops answering (SIGSTOP: a long GC pause, a frozen VM) while it runs a campaign: the majority downs it and
/// takes the campaign over; when the node wakes up (SIGCONT) it finds itself downed and exits instead of carrying on.
/// </summary>
public sealed class NodePauseTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task An_unreachable_node_is_downed_its_campaign_moves_and_it_exits_when_it_wakes()
    {
        await ImportProfilesAsync(cluster.Nodes[0]);
        var id = await PublishAsync(cluster.Nodes[0], 1, throttle: 150);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => Mail(s).GetProperty("out").GetProperty("out").GetInt64() >= 200, seconds: 60);
        var host = sending.GetProperty("node").GetString()!;
        var frozen = cluster.NodeAt(host);
        await frozen.SignalAsync("STOP");

        var survivor = cluster.Nodes.First(n => n != frozen);
        var completed = await AwaitAsync(survivor, id, s => Completed(s) && s.GetProperty("node").GetString() != host);
        await frozen.SignalAsync("CONT");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!frozen.HasExited && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.True(frozen.HasExited, $"the downed node kept running after SIGCONT:\n{frozen.Log}");

        // Whatever the woken node still tried did not add to or change what the survivors finished.
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(OptedIn, Mail(await AwaitAsync(survivor, id, Completed)).GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}' AND state <> 'sent'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT SUM(count) FROM delivery_batches WHERE campaign = '{id}'"));
    }
}
