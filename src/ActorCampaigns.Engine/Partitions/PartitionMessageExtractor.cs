using Akka.Cluster.Sharding;

namespace ActorCampaigns.Engine.Partitions;

/// <summary>Routes every <see cref="IPartitionMessage"/> to its partition's entity.</summary>
public sealed class PartitionMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => (message as IPartitionMessage)?.EntityId;
}
