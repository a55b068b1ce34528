using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Passes its population on as it arrives: its columns travel as their definitions, evaluated by whoever reads them
/// downstream (<see cref="ExecutionPlan.EnrichColumnsOf"/>).
/// </summary>
public sealed class EnrichStage() : PassThroughStage<EnrichActivity>(streams: true)
{
    public override bool RunsPerPartition(Activity activity) => true;
}
