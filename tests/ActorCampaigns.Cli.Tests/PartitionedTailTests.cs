namespace ActorCampaigns.Cli.Tests;

/// <summary>A node that splits every execution into three partitions (<c>Engine:Partitions</c>), as a cluster of several does.</summary>
public sealed class PartitionedNode() : OneNode(("Engine__Partitions", "3"));

/// <summary><c>campaign tail</c> and <c>status</c> show on which members a partitioned execution runs, partition by partition.</summary>
public sealed class PartitionedTailTests(PartitionedNode node) : IClassFixture<PartitionedNode>
{
    [Fact]
    public async Task Tail_shows_each_partition_of_an_activity_with_its_member_and_its_counts()
    {
        var id = CampaignCommandTests.CampaignId(CampaignCommandTests.Succeeded(await node.AcctlAsync("campaign", "create", "-f", node.Campaign("Partitioned sale"))));
        CampaignCommandTests.Succeeded(await node.AcctlAsync("campaign", "publish", id, "--yes"));
        var tail = CampaignCommandTests.Succeeded(await node.AcctlAsync("campaign", "tail", id)).Out;
        var lastFrame = tail[tail.LastIndexOf($"{id} Partitioned sale", StringComparison.Ordinal)..];
        Assert.Matches(@"mail\s+completed\s+150\s+out 150", lastFrame);
        Assert.Matches(@"partitions run on akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\n", lastFrame);
        // 200 profiles by id rank: ids 1-67, 68-134 and 135-200, of which those not a multiple of 4 opted in: 51, 50 and 49.
        Assert.Matches(@"  mail: 0 completed on akka\.tcp://\S+ \(51 in\); 1 completed on akka\.tcp://\S+ \(50 in\); 2 completed on akka\.tcp://\S+ \(49 in\)", lastFrame);
        Assert.Matches(@"  optin: 0 completed on \S+ \(0 in\)", lastFrame);
        Assert.DoesNotContain("keep:", lastFrame);
    }
}
