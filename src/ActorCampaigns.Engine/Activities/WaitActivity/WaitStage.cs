using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Holds its population until its instant, or for its duration after what feeds it completed, then passes it on.</summary>
public sealed class WaitStage() : PassThroughStage<WaitActivity>(streams: false)
{
    public override bool WritesAsItGoes => false;

    public override DateTime? WaitsUntil(ActivityRun run, DateTime now)
    {
        var wait = (WaitActivity)run.Activity;
        var until = wait.Until ?? run.InboundCompletedAt + (IsoDuration.TryParse(wait.Duration!, out var duration, out _) ? duration : TimeSpan.Zero);
        return until > now ? until : null;
    }
}
