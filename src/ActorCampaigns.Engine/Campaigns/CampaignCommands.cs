using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Campaigns;

public interface ICampaignCommand : IWithCampaignId;

/// <summary>What can be asked of a campaign. The gateway validates documents before it sends them.</summary>
public static class CampaignCommands
{
    /// <summary>A new draft from a document the gateway has validated.</summary>
    public sealed record Create(CampaignId Id, CampaignDocument Document, CampaignId? DuplicatedFrom = null) : ICampaignCommand;

    /// <summary>Replaces the document of a draft.</summary>
    public sealed record Replace(CampaignId Id, CampaignDocument Document) : ICampaignCommand;

    /// <summary>Runs the canvas in test mode: counts, nothing sent, no audience changed.</summary>
    /// <param name="Trace">The span of the request that asked (W3C <c>traceparent</c>): the execution's span goes under it.</param>
    public sealed record StartTest(CampaignId Id, string? Trace = null) : ICampaignCommand;

    /// <param name="By">Who published, for the log (an API key's fingerprint); <paramref name="ApprovedBy"/>, who approved it when it needed an approval.</param>
    /// <param name="Confirmed">The fingerprint of the document whose figures were confirmed: a campaign changed since is not published.</param>
    public sealed record Publish(CampaignId Id, string? By = null, string? ApprovedBy = null, string? Confirmed = null, string? Trace = null) : ICampaignCommand;

    public sealed record Pause(CampaignId Id) : ICampaignCommand;

    public sealed record Resume(CampaignId Id) : ICampaignCommand;

    public sealed record Stop(CampaignId Id) : ICampaignCommand;

    /// <summary>Starts a live execution of a signal campaign with these variables over the document's.</summary>
    /// <param name="Source">The end activity that signals (<c>campaign/execution/activity</c>): a repeated signal starts nothing more.</param>
    public sealed record Trigger(CampaignId Id, IReadOnlyDictionary<string, VariableValue> Variables, string? Source = null, string? Trace = null) : ICampaignCommand;

    /// <summary>The scheduler's timer: an occurrence of a once or recurring schedule is due.</summary>
    public sealed record StartScheduled(CampaignId Id, DateTime Due) : ICampaignCommand;

    /// <summary>An activity of an execution finished, with its counts.</summary>
    /// <param name="StartedAt">When the run started, on the engine's clock; null: not known.</param>
    public sealed record CompleteActivity(CampaignId Id, ExecutionId Execution, string Activity, ActivityCounts Counts, DateTime? StartedAt = null) : ICampaignCommand;

    /// <summary>The campaign decided how to split an execution into partitions, before anything of it ran.</summary>
    public sealed record PartitionExecution(CampaignId Id, ExecutionId Execution, IReadOnlyList<long> Boundaries) : ICampaignCommand;

    /// <summary>One partition of an activity finished on <paramref name="Node"/>; the last one completes the activity with the partitions' counts summed.</summary>
    public sealed record CompletePartition(CampaignId Id, ExecutionId Execution, string Activity, int Partition, ActivityCounts Counts, string? Node)
        : ICampaignCommand;

    /// <summary>
    /// The campaign decided, over the whole population, what an activity looking at it whole lets its partitions apply
    /// (a split's cut of each subset), before any partition of it runs; <paramref name="Decision"/> is the activity's own JSON.
    /// </summary>
    public sealed record DecideActivity(CampaignId Id, ExecutionId Execution, string Activity, string Decision) : ICampaignCommand;

    /// <summary>
    /// An experiment's decision (<c>ExperimentDecision</c> JSON), reached once the window after its arms' paths passed, or
    /// forced by an operator: its held-back profiles leave by the winner's port.
    /// </summary>
    public sealed record DecideExperiment(CampaignId Id, ExecutionId Execution, string Activity, string Decision) : ICampaignCommand;

    /// <summary>
    /// An operator chooses an experiment's winner in the latest live execution waiting for its decision, with a reason,
    /// logged with their key (<paramref name="By"/>); the figures so far are kept with it.
    /// </summary>
    public sealed record ForceWinner(CampaignId Id, string Activity, string Arm, string Reason, string By) : ICampaignCommand;

    /// <summary>An activity of an execution failed; upstream populations are kept, resume re-runs it.</summary>
    public sealed record FailActivity(CampaignId Id, ExecutionId Execution, string Activity, string Reason) : ICampaignCommand;

    /// <summary>The campaign's error notification of a failure in the execution went out: what became of each target, for its log.</summary>
    public sealed record RecordErrorNotification(CampaignId Id, ExecutionId Execution, IReadOnlyList<string> Notes) : ICampaignCommand;
}
