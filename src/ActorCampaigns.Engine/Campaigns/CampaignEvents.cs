using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Campaigns;

public interface ICampaignEvent : IWithCampaignId
{
    DateTime At { get; }
}

/// <summary>What the journal keeps of a campaign: decisions and counts, never profiles.</summary>
public static class CampaignEvents
{
    public sealed record Created(CampaignId Id, CampaignDocument Document, CampaignId? DuplicatedFrom, DateTime At) : ICampaignEvent;

    public sealed record Replaced(CampaignId Id, CampaignDocument Document, DateTime At) : ICampaignEvent;

    public sealed record Published(CampaignId Id, DateTime At) : ICampaignEvent;

    /// <param name="Due">The schedule occurrence it runs for (once, recurring), else null.</param>
    /// <param name="TriggeredBy">The end activity of another campaign that signalled it, else null.</param>
    public sealed record ExecutionStarted(CampaignId Id, ExecutionId Execution, ExecutionMode Mode,
        IReadOnlyDictionary<string, VariableValue> Variables, DateTime? Due, DateTime At, string? TriggeredBy = null) : ICampaignEvent;

    public sealed record ActivityCompleted(CampaignId Id, ExecutionId Execution, string Activity, ActivityState State,
        ActivityCounts Counts, DateTime At) : ICampaignEvent;

    public sealed record ActivityFailed(CampaignId Id, ExecutionId Execution, string Activity, string Reason, DateTime At) : ICampaignEvent;

    public sealed record ExecutionCompleted(CampaignId Id, ExecutionId Execution, DateTime At) : ICampaignEvent;

    public sealed record Paused(CampaignId Id, DateTime At) : ICampaignEvent;

    public sealed record Resumed(CampaignId Id, DateTime At) : ICampaignEvent;

    public sealed record Stopped(CampaignId Id, DateTime At) : ICampaignEvent;

    /// <summary>The schedule has no more occurrences and every live execution is done.</summary>
    public sealed record CampaignCompleted(CampaignId Id, DateTime At) : ICampaignEvent;
}
