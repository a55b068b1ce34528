using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>The state of an activity in an execution (contract section 5).</summary>
public enum ActivityState { Pending, Running, Waiting, Completed, Held, Skipped, Failed }

/// <param name="CompletedAt">When the activity completed: a wait downstream counts its duration from there.</param>
/// <param name="Feedback">
/// For a channel activity, the profiles with each kind of feedback on its messages so far (opened, clicked, bounced…),
/// as the campaign last read them; never persisted, the feedback store holds them.
/// </param>
public sealed record ActivityView(ActivityState State, ActivityCounts Counts, string? Failure = null, DateTime? CompletedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableSortedDictionary<string, long>? Feedback = null)
{
    public static readonly ActivityView Pending = new(ActivityState.Pending, ActivityCounts.None);

    [JsonIgnore]
    public bool IsDone => State is ActivityState.Completed or ActivityState.Held or ActivityState.Skipped;
}

/// <summary>One execution as status shows it: its activities by id, in canvas order.</summary>
public sealed record ExecutionView(
    ExecutionId Id,
    ExecutionMode Mode,
    ExecutionState State,
    IReadOnlyDictionary<string, VariableValue> Variables,
    DateTime? Due,
    DateTime StartedAt,
    DateTime? FinishedAt,
    ImmutableDictionary<string, ActivityView> Activities,
    string? TriggeredBy = null)
{
    [JsonIgnore]
    public bool IsActive => State is ExecutionState.Running or ExecutionState.Waiting or ExecutionState.Paused or ExecutionState.Failed;
}
