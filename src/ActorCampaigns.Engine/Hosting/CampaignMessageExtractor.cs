using ActorCampaigns.Engine.Campaigns;
using Akka.Cluster.Sharding;

namespace ActorCampaigns.Engine.Hosting;

/// <summary>Routes every <see cref="IWithCampaignId"/> message to the campaign's entity; the entity id is the campaign id.</summary>
public sealed class CampaignMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    public override string? EntityId(object message) => (message as IWithCampaignId)?.Id.Value;
}
