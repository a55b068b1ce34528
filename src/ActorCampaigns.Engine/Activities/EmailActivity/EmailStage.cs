using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Emails, tracked when the node tracks (links, open pixel, one-click unsubscribe).</summary>
public sealed class EmailStage : ChannelStage<EmailActivity>;
