using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>Everything one activity needs to run in one execution.</summary>
/// <param name="Plan">The canvas: what feeds this activity and the enrich columns it sees.</param>
/// <param name="InboundCompletedAt">When the last activity feeding this one completed; a wait counts from there.</param>
/// <param name="Upstream">Which activities feeding this one have completed and how many profiles it has read from them, as it runs.</param>
/// <param name="Partitions">How the execution is partitioned; null: it runs whole.</param>
/// <param name="Partition">The partition this run works on; null: the whole population (every partition's batches, in id order).</param>
/// <param name="Decision">What the campaign decided over the whole population for this activity's partitions to apply (a split's cuts), if it decides.</param>
/// <param name="SecondWave">
/// The run of an experiment's second wave: an activity on the winner's path reads and writes only second-wave batches
/// (<see cref="Data.Populations.BatchRange.SecondWave"/>); the experiment writes its held-back profiles on the winner's port.
/// </param>
/// <param name="Trace">The execution's span (W3C <c>traceparent</c>), which the run's span goes under; null: not traced.</param>
public sealed record ActivityRun(
    CampaignId Campaign,
    string CampaignName,
    ExecutionId Execution,
    ExecutionMode Mode,
    Activity Activity,
    ExecutionPlan Plan,
    EvaluationContext Context,
    IReadOnlyDictionary<string, ExprType> Variables,
    DateTime InboundCompletedAt,
    InboundProgress Upstream,
    ExecutionPartitions? Partitions = null,
    RunPartition? Partition = null,
    string? Decision = null,
    bool SecondWave = false,
    string? Trace = null)
{
    /// <summary>
    /// The run of <paramref name="activity"/> in an execution started at <paramref name="startedAt"/> with
    /// <paramref name="variables"/>, whose <paramref name="done"/> activities were done when it was decided: at its
    /// campaign, or on the member running one of its partitions.
    /// </summary>
    public static ActivityRun Of(CampaignId campaign, ExecutionPlan plan, ExecutionId execution, ExecutionMode mode, Activity activity,
        IReadOnlyDictionary<string, VariableValue> variables, DateTime startedAt, DateTime inboundCompletedAt, IEnumerable<string> done,
        ExecutionPartitions? partitions = null, RunPartition? partition = null, string? decision = null, bool secondWave = false, string? trace = null) =>
        new(campaign, plan.Document.Name, execution, mode, activity, plan,
            new EvaluationContext(startedAt, variables.ToDictionary(v => v.Key, v => (object?)v.Value.Value), new ExecutionScope(campaign.Value, execution.Value)),
            variables.ToDictionary(v => v.Key, v => v.Value.Type), inboundCompletedAt, new InboundProgress(done), partitions, partition, decision, secondWave, trace);

    /// <summary>The ports feeding this activity, as (activity, port) of the transitions into it.</summary>
    public IReadOnlyList<(string Activity, string Port)> Inbound { get; } = Plan.InboundOf(Activity.Id);

    /// <summary>The run's own span, which its batches' spans go under (set by the actor that runs it); none: not traced.</summary>
    public System.Diagnostics.ActivityContext Span { get; init; }

    /// <summary>What this run leaves for later (messages waiting for their time), said by its stage as it streams.</summary>
    public Postponement Later { get; } = new();
}
