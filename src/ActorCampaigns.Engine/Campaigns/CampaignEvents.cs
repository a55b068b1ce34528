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

    /// <summary>
    /// A published recurring or signal campaign's new document, given while executions run: they finish on the one they
    /// started with, and the campaign takes this one (<see cref="Replaced"/>) once none is left running.
    /// </summary>
    public sealed record ReplacementQueued(CampaignId Id, CampaignDocument Document, DateTime At) : ICampaignEvent;

    /// <param name="By">Who published (an API key's fingerprint), and <paramref name="ApprovedBy"/> who approved it; null in journals from before.</param>
    public sealed record Published(CampaignId Id, DateTime At, string? By = null, string? ApprovedBy = null) : ICampaignEvent;

    /// <param name="Due">The schedule occurrence it runs for (once, recurring), else null.</param>
    /// <param name="TriggeredBy">The end activity of another campaign that signalled it, else null.</param>
    /// <param name="Partitions">How many partitions it is split into (their boundaries come next, <see cref="ExecutionPartitioned"/>); 1: it runs whole.</param>
    /// <param name="Trace">The execution's span (W3C <c>traceparent</c>), which its activities' spans go under; null: not traced.</param>
    public sealed record ExecutionStarted(CampaignId Id, ExecutionId Execution, ExecutionMode Mode,
        IReadOnlyDictionary<string, VariableValue> Variables, DateTime? Due, DateTime At, string? TriggeredBy = null, int Partitions = 1,
        string? Trace = null) : ICampaignEvent;

    /// <param name="StartedAt">When the run that completed it started; null: not known (runs per partition, older journals).</param>
    public sealed record ActivityCompleted(CampaignId Id, ExecutionId Execution, string Activity, ActivityState State,
        ActivityCounts Counts, DateTime At, DateTime? StartedAt = null) : ICampaignEvent;

    /// <summary>How the execution's profiles are split into partitions (<see cref="Executions.ExecutionPartitions"/>), decided before anything runs.</summary>
    public sealed record ExecutionPartitioned(CampaignId Id, ExecutionId Execution, IReadOnlyList<long> Boundaries, DateTime At) : ICampaignEvent;

    /// <summary>One partition of an activity that runs per partition has completed on <paramref name="Node"/>, with its counts.</summary>
    public sealed record PartitionCompleted(CampaignId Id, ExecutionId Execution, string Activity, int Partition, ActivityCounts Counts, string? Node,
        DateTime At) : ICampaignEvent;

    /// <summary>What an activity of a partitioned execution decided over the whole population for its partitions to apply (<see cref="CampaignCommands.DecideActivity"/>).</summary>
    public sealed record ActivityDecided(CampaignId Id, ExecutionId Execution, string Activity, string Decision, DateTime At) : ICampaignEvent;

    /// <summary>An experiment decided (<c>ExperimentDecision</c> JSON): it and the winner's path run again, the held-back profiles with them.</summary>
    public sealed record ExperimentDecided(CampaignId Id, ExecutionId Execution, string Activity, string Decision, DateTime At) : ICampaignEvent;

    public sealed record ActivityFailed(CampaignId Id, ExecutionId Execution, string Activity, string Reason, DateTime At) : ICampaignEvent;

    /// <summary>The campaign's error notification of a failure in the execution was sent: what became of each target.</summary>
    public sealed record ErrorNotified(CampaignId Id, ExecutionId Execution, IReadOnlyList<string> Notes, DateTime At) : ICampaignEvent;

    /// <summary>
    /// Occurrences of a recurring schedule missed while no node ran, skipped by its catch-up policy: <paramref name="Count"/>
    /// of them, from <paramref name="First"/> to <paramref name="Through"/>; the next occurrence is after <paramref name="Through"/>.
    /// </summary>
    public sealed record OccurrencesSkipped(CampaignId Id, int Count, DateTime First, DateTime Through, CatchUp CatchUp, DateTime At) : ICampaignEvent;

    public sealed record ExecutionCompleted(CampaignId Id, ExecutionId Execution, DateTime At) : ICampaignEvent;

    public sealed record Paused(CampaignId Id, DateTime At) : ICampaignEvent;

    public sealed record Resumed(CampaignId Id, DateTime At) : ICampaignEvent;

    /// <param name="Reason">Why, when the campaign stopped itself (its error policy <c>abort</c>); null: an operator stopped it.</param>
    public sealed record Stopped(CampaignId Id, DateTime At, string? Reason = null) : ICampaignEvent;

    /// <summary>The schedule has no more occurrences and every live execution is done.</summary>
    public sealed record CampaignCompleted(CampaignId Id, DateTime At) : ICampaignEvent;
}
