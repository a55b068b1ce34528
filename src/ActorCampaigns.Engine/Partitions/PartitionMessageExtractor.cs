using Akka.Cluster.Sharding;

namespace ActorCampaigns.Engine.Partitions;

/// <summary>
/// Routes every <see cref="IPartitionMessage"/> to its partition's entity, in the shard of its partition's number: an
/// execution's P partitions are P shards, which the region's coordinator gives to the member with the fewest (two per
/// member by default). Hashing six entity ids into fifty shards had put three partitions on one member and one on another.
/// </summary>
public sealed class PartitionMessageExtractor : IMessageExtractor
{
    public string? EntityId(object message) => (message as IPartitionMessage)?.EntityId;

    public object? EntityMessage(object message) => message;

    public string ShardId(object message) => ShardId(EntityId(message) ?? "", message);

    public string ShardId(string entityId, object? messageHint = null) => entityId[(entityId.LastIndexOf('|') + 1)..];
}
