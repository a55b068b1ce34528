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
    RunPartition? Partition = null)
{
    /// <summary>The ports feeding this activity, as (activity, port) of the transitions into it.</summary>
    public IReadOnlyList<(string Activity, string Port)> Inbound { get; } = Plan.InboundOf(Activity.Id);
}
