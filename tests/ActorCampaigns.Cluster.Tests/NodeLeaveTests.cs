using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>A node is stopped the orderly way (SIGTERM, as a platform does on a rolling update): it leaves the cluster and hands its campaigns over.</summary>
public sealed class NodeLeaveTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task A_node_that_leaves_hands_its_running_campaign_over_without_losing_or_repeating_a_message()
    {
        var (id, host, leaving) = await SendingAsync(cluster);
        await leaving.SignalAsync("TERM");
        Assert.True(await leaving.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)) == 0, $"the node did not stop cleanly within 60 s of SIGTERM:\n{leaving.Log}");

        var survivor = cluster.Nodes.First(n => n != leaving);
        await AssertEachSentOnceAsync(cluster, id, await AwaitAsync(survivor, id, s => Completed(s) && s.GetProperty("node").GetString() != host));
    }
}
