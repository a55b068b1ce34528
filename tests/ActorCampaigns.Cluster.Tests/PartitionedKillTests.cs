using static ActorCampaigns.Cluster.Tests.Campaigns;
using static ActorCampaigns.Cluster.Tests.PartitionedCampaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// One campaign of 300,000 profiles runs its partitions on all three members; a member running some of them dies
/// (SIGKILL): its partitions run again on the survivors under a new epoch, and the campaign completes as an undisturbed
/// run would.
/// </summary>
public sealed class PartitionedKillTests(ThreeCampaignNodes cluster) : IClassFixture<ThreeCampaignNodes>
{
    [Fact]
    public async Task The_partitions_of_a_killed_member_run_again_on_the_survivors_and_every_message_leaves_once()
    {
        var (id, sending) = await SendingOnEveryMemberAsync(cluster);
        Assert.Equal(cluster.Ports.Select(p => $"akka.tcp://actorcampaigns@127.0.0.1:{p}").ToHashSet(), RunningOn(sending));
        var victim = Victim(cluster, sending);
        victim.Kill();

        var completed = await AwaitAsync(cluster.Nodes[0], id, Completed, seconds: 180);
        await AssertEachOptedInSentOnceAsync(cluster, id, completed);
        // The partitions the victim held completed elsewhere.
        var victimAddress = $"akka.tcp://actorcampaigns@127.0.0.1:{cluster.Ports[cluster.Nodes.ToList().IndexOf(victim)]}";
        Assert.DoesNotContain(Mail(completed).GetProperty("partitions").EnumerateArray(), p => p.GetProperty("node").GetString() == victimAddress);
        Assert.True(await cluster.ScalarAsync($"SELECT MAX(epoch) FROM partition_epochs WHERE campaign = '{id}' AND activity = 'mail'") >= 2);
    }
}
