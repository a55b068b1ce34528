using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;

namespace ActorCampaigns.Engine.Activities;

public sealed class SmsStage : ChannelStage<SmsActivity>;
