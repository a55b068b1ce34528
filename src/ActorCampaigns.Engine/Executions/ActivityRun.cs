using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>Everything one activity needs to run in one execution.</summary>
/// <param name="Inbound">The ports feeding this activity, as (activity, port) of the transitions into it.</param>
/// <param name="InboundCompletedAt">When the last activity feeding this one completed; a wait counts from there.</param>
public sealed record ActivityRun(
    CampaignId Campaign,
    string CampaignName,
    ExecutionId Execution,
    ExecutionMode Mode,
    Activity Activity,
    IReadOnlyList<(string Activity, string Port)> Inbound,
    EvaluationContext Context,
    IReadOnlyDictionary<string, ExprType> Variables,
    IReadOnlySet<string> ChannelActivities,
    DateTime InboundCompletedAt);
