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
        var (id, host, frozen) = await SendingAsync(cluster);
        await frozen.SignalAsync("STOP");

        var survivor = cluster.Nodes.First(n => n != frozen);
        await AwaitAsync(survivor, id, s => Completed(s) && s.GetProperty("node").GetString() != host);
        await frozen.SignalAsync("CONT");
        // It stops the orderly way (exit code 0: its queued feedback written, its providers closed), not by crashing.
        Assert.True(await frozen.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)) == 0, $"the downed node did not stop cleanly after SIGCONT:\n{frozen.Log}");

        // Whatever the woken node still tried did not add to or change what the survivors finished.
        await AssertEachSentOnceAsync(cluster, id, await AwaitAsync(survivor, id, Completed));
    }
}
