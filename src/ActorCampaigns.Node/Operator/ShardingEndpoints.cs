using ActorCampaigns.Node.Gateway;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorCampaigns.Node.Operator;

/// <summary>Shard regions, their shards and entity counts (pbm's <c>cluster sharding</c> palette).</summary>
public static class ShardingEndpoints
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static void MapShardingEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/sharding", (ActorSystem system) =>
            Results.Ok(new { regions = ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal) }));
        // This node's region: each of its shards and the entities running in it.
        group.MapGet("/sharding/{type}/region", async (string type, ActorSystem system, CancellationToken cancel) =>
        {
            if (Region(system, type) is not { } region)
                return UnknownType(system, type);
            var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, Timeout, cancel);
            return Results.Ok(new
            {
                type,
                node = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString(),
                shards = stats.Stats.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new { shard = s.Key, entities = s.Value }),
                failed = stats.Failed.Order(StringComparer.Ordinal),
            });
        });
        // Every region of the type in the cluster: shards and entities per node.
        group.MapGet("/sharding/{type}/cluster", async (string type, ActorSystem system, CancellationToken cancel) =>
        {
            if (Region(system, type) is not { } region)
                return UnknownType(system, type);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(Timeout), Timeout + Timeout, cancel);
            return Results.Ok(new
            {
                type,
                regions = stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal).Select(r => new
                {
                    node = r.Key.ToString(),
                    shards = r.Value.Stats.Count,
                    entities = r.Value.Stats.Values.Sum(),
                    failed = r.Value.Failed.Count,
                }),
            });
        });
    }

    private static IActorRef? Region(ActorSystem system, string type)
    {
        var sharding = ClusterSharding.Get(system);
        return sharding.ShardTypeNames.Contains(type) ? sharding.ShardRegion(type) : null;
    }

    private static IResult UnknownType(ActorSystem system, string type) =>
        Problems.NotFound($"no shard region '{type}' on this node (regions: {string.Join(", ", ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal))})");
}
