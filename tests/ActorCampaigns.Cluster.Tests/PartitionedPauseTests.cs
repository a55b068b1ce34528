using static ActorCampaigns.Cluster.Tests.Campaigns;
using static ActorCampaigns.Cluster.Tests.PartitionedCampaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// A member running partitions of a campaign freezes (SIGSTOP): it is downed, its partitions run again on the others
/// under a new epoch, and when it wakes (SIGCONT) its lease has expired: it finds its partitions fenced off, sends
/// nothing more, and exits.
/// </summary>
public sealed class PartitionedPauseTests(ThreeCampaignNodes cluster) : IClassFixture<ThreeCampaignNodes>
{
    [Fact]
    public async Task The_partitions_of_a_frozen_member_run_elsewhere_and_it_sends_nothing_when_it_wakes()
    {
        var (id, sending) = await SendingOnEveryMemberAsync(cluster);
        var frozen = Victim(cluster, sending);
        await frozen.SignalAsync("STOP");

        var completed = await AwaitAsync(cluster.Nodes[0], id, Completed, seconds: 180);
        await AssertEachOptedInSentOnceAsync(cluster, id, completed);
        // The survivors ended the frozen member's database sessions once it was downed: nothing it held locked stays so.
        var frozenAddress = $"akka.tcp://actorcampaigns@127.0.0.1:{cluster.Ports[cluster.Nodes.ToList().IndexOf(frozen)]}";
        Assert.Contains(cluster.Nodes.Where(n => n != frozen), n => n.Log.Contains($"{frozenAddress} was downed: "));
        var batches = await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}'");
        await frozen.SignalAsync("CONT");
        Assert.True(await frozen.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)) == 0, $"the downed member did not stop cleanly after SIGCONT:\n{frozen.Log}");

        // Whatever the woken member still tried did not add to or change what the others finished.
        await AssertEachOptedInSentOnceAsync(cluster, id, await AwaitAsync(cluster.Nodes[0], id, Completed));
        Assert.Equal(batches, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}'"));
    }
}
