using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Passes its population on as it arrives; each transition from its port takes all of it.</summary>
public sealed class ForkStage() : PassThroughStage<ForkActivity>(streams: true)
{
    public override bool RunsPerPartition(Activity activity) => true;
}
