using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>How a run of an activity ended: done with its counts, or a wait holding its population until an instant.</summary>
public abstract record ActivityOutcome
{
    public sealed record Done(ActivityCounts Counts) : ActivityOutcome;

    public sealed record Waiting(DateTime Until) : ActivityOutcome;
}
