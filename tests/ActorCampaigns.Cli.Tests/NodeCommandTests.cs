using System.Diagnostics;
using System.Text.Json;

namespace ActorCampaigns.Cli.Tests;

/// <summary>The cluster, sharding, actor and log palettes against a real one-node cluster.</summary>
public sealed class NodeCommandTests(OneNode node) : IClassFixture<OneNode>
{
    private static string Ok(AcctlResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out;
    }

    [Fact]
    public async Task Cluster_show_leader_and_unreachable_describe_the_one_member()
    {
        var show = Ok(await node.AcctlAsync("cluster", "show"));
        Assert.Matches(@"^ADDRESS\s+STATUS\s+ROLES\s+REACHABLE", show);
        Assert.Matches(@"akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\s+Up\s+-\s+yes\s+leader, this node", show);
        var address = show.Split('\n')[1].Split(' ')[0];

        Assert.Equal($"{address}\n", Ok(await node.AcctlAsync("cluster", "leader")));
        Assert.Equal("every member is reachable\n", Ok(await node.AcctlAsync("cluster", "unreachable")));
        var json = JsonDocument.Parse(Ok(await node.AcctlAsync("cluster", "show", "--json"))).RootElement;
        Assert.Equal(address, json.GetProperty("leader").GetString());
    }

    [Fact]
    public async Task Sharding_commands_show_the_campaign_region_its_shards_and_entities()
    {
        var created = Ok(await node.AcctlAsync("campaign", "create", "-f", node.Campaign("Sharded sale")));
        Assert.StartsWith("created ", created);

        // A node alone splits no execution: it runs no partition region.
        Assert.Equal("campaign\n", Ok(await node.AcctlAsync("cluster", "sharding", "regions")));
        var region = Ok(await node.AcctlAsync("cluster", "sharding", "region-stats", "campaign"));
        Assert.Matches(@"akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+: [1-9]\d* shards, [1-9]\d* entities", region);
        Assert.Matches(@"SHARD\s+ENTITIES\n\S+\s+\d+", region);
        var stats = Ok(await node.AcctlAsync("cluster", "sharding", "shard-stats", "campaign"));
        Assert.Matches(@"akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\s+[1-9]\d*\s+[1-9]\d*\s+0", stats);
    }

    [Fact]
    public async Task Actor_hierarchy_shows_the_tree_to_the_depth_asked_and_log_peek_the_recent_lines()
    {
        var tree = Ok(await node.AcctlAsync("actor", "hierarchy", "--depth", "2"));
        Assert.Contains("\n  user\n", tree);
        Assert.Contains("\n  system\n", tree);
        Assert.Contains("\n    sharding\n", tree);
        Assert.DoesNotContain("\n      ", tree); // nothing deeper than two levels
        Assert.Contains("\n      campaign\n", Ok(await node.AcctlAsync("actor", "hierarchy", "--depth", "3")));

        var logs = Ok(await node.AcctlAsync("log", "peek", "--level", "info"));
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  info\s+\S+: ", logs);
        Assert.Contains("Akka", logs); // the actor system's lines are there as well as the host's
        foreach (var line in Ok(await node.AcctlAsync("log", "peek", "--level", "warning")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Assert.Matches(@"  (warning|error)\s", line);
    }

    [Fact]
    public async Task Cluster_tail_shows_the_members_then_runs_until_ctrl_c()
    {
        using var tail = AcctlProcess.Start(node.Address, "cluster", "tail", "--key", OneNode.Key);
        var first = await tail.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\S+\s+up\s+akka\.tcp://actorcampaigns@127\.0\.0\.1:\d+\s+Up$", first);
        Assert.False(tail.WaitForExit(1000), "the tail ended by itself");

        using (var interrupt = Process.Start("kill", ["-INT", tail.Id.ToString()]))
            await interrupt.WaitForExitAsync();
        Assert.True(tail.WaitForExit(10_000), "the tail did not stop on Ctrl+C");
        Assert.Equal(0, tail.ExitCode);
        Assert.Equal("", await tail.StandardError.ReadToEndAsync());
    }
}
