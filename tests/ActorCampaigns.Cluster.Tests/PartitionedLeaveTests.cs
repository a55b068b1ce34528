using static ActorCampaigns.Cluster.Tests.Campaigns;
using static ActorCampaigns.Cluster.Tests.PartitionedCampaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>A member running partitions of a campaign leaves the orderly way (SIGTERM): its partitions are handed over and run again elsewhere.</summary>
public sealed class PartitionedLeaveTests(ThreeCampaignNodes cluster) : IClassFixture<ThreeCampaignNodes>
{
    [Fact]
    public async Task The_partitions_of_a_member_that_leaves_complete_on_the_others_without_losing_or_repeating_a_message()
    {
        var (id, sending) = await SendingOnEveryMemberAsync(cluster);
        var leaving = Victim(cluster, sending);
        await leaving.SignalAsync("TERM");
        Assert.True(await leaving.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)) == 0, $"the member did not stop cleanly within 60 s of SIGTERM:\n{leaving.Log}");

        await AssertEachOptedInSentOnceAsync(cluster, id, await AwaitAsync(cluster.Nodes[0], id, Completed, seconds: 180));
    }
}
