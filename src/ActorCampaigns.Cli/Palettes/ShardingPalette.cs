using ActorCampaigns.Cli.Output;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>cluster sharding</c>: shard regions, their shards and entities (campaigns are the entities of <c>campaign</c>).</summary>
public static class ShardingPalette
{
    public static readonly Command[] Commands =
    [
        new("cluster sharding regions", "", "the shard region types this node runs or reaches", RegionsAsync),
        new("cluster sharding region-stats", "<type>", "this node's shards of a type and the entities in each", RegionStatsAsync),
        new("cluster sharding shard-stats", "<type>", "shards and entities of a type on every node of the cluster", ShardStatsAsync),
    ];

    private static async Task RegionsAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync("/operator/sharding", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        foreach (var region in answer.Items("regions"))
            call.Out.WriteLine(region.GetString());
    }

    private static async Task RegionStatsAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync($"/operator/sharding/{Type(call)}/region", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("SHARD", "ENTITIES");
        foreach (var shard in answer.Items("shards"))
            table.Add(shard.Text("shard"), shard.Number("entities"));
        call.Out.WriteLine($"{answer.Text("node")}: {table.Count} shards, {answer.Items("shards").Sum(s => s.Number("entities")):N0} entities");
        if (table.Count > 0)
            table.WriteTo(call.Out);
    }

    private static async Task ShardStatsAsync(Invocation call)
    {
        var answer = await call.Node.GetAsync($"/operator/sharding/{Type(call)}/cluster", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, answer);
            return;
        }
        var table = new Table("NODE", "SHARDS", "ENTITIES", "FAILED");
        foreach (var region in answer.Items("regions"))
            table.Add(region.Text("node"), region.Number("shards"), region.Number("entities"), region.Number("failed"));
        table.WriteTo(call.Out);
    }

    private static string Type(Invocation call) => Uri.EscapeDataString(call.Argument(0)!);
}
