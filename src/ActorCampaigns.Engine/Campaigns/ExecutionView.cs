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
/// <param name="Partitions">In a partitioned execution, the partitions of an activity that runs per partition: persisted once completed, live while they run.</param>
/// <param name="FirstWave">
/// For an experiment and the activities on its winner's path, run again after its decision for the held-back
/// profiles: their counts of the first wave, which the second wave's add to.
/// </param>
public sealed record ActivityView(ActivityState State, ActivityCounts Counts, string? Failure = null, DateTime? CompletedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableSortedDictionary<string, long>? Feedback = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableSortedDictionary<int, PartitionView>? Partitions = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Decision = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ActivityCounts? FirstWave = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LaterRun? Later = null)
{
    public static readonly ActivityView Pending = new(ActivityState.Pending, ActivityCounts.None);

    /// <summary>When the run that completed it started; null: not known (runs per partition, older journals).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? StartedAt { get; init; }

    [JsonIgnore]
    public bool IsDone => State is ActivityState.Completed or ActivityState.Held or ActivityState.Skipped;
}

/// <summary>
/// When a waiting activity runs again: a wait at its end, a channel when the next of its messages is due (their
/// recipients' local time, quiet hours over); <paramref name="Messages"/> waiting, when known.
/// </summary>
public sealed record LaterRun(DateTime Until, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Messages);

/// <summary>One partition of an activity's run: the member it runs on, its state and its own counts (cumulative, as its run last reported them).</summary>
public sealed record PartitionView(int Id, string? Node, ActivityState State, ActivityCounts Counts);

/// <summary>One execution as status shows it: its activities by id, in canvas order.</summary>
/// <param name="Partitions">The boundaries between its partitions, once decided; null: it runs whole.</param>
public sealed record ExecutionView(
    ExecutionId Id,
    ExecutionMode Mode,
    ExecutionState State,
    IReadOnlyDictionary<string, VariableValue> Variables,
    DateTime? Due,
    DateTime StartedAt,
    DateTime? FinishedAt,
    ImmutableDictionary<string, ActivityView> Activities,
    string? TriggeredBy = null,
    IReadOnlyList<long>? Partitions = null)
{
    /// <summary>How many partitions it was started to be split into; 1: it runs whole. <see cref="Partitions"/> follows once decided.</summary>
    public int PartitionCount { get; init; } = 1;

    /// <summary>The execution's span (W3C <c>traceparent</c>), which its activities' spans go under; null: not traced.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Trace { get; init; }

    [JsonIgnore]
    public bool IsActive => State is ExecutionState.Running or ExecutionState.Waiting or ExecutionState.Paused or ExecutionState.Failed;

    /// <summary>Whether it may still go on: active, but not a failed test run (nothing resumes one; a new test run replaces it).</summary>
    [JsonIgnore]
    public bool GoesOn => IsActive && !(Mode == ExecutionMode.Test && State == ExecutionState.Failed);

    /// <summary>The activities done (completed, held, skipped).</summary>
    [JsonIgnore]
    public IEnumerable<string> Done => Activities.Where(a => a.Value.IsDone).Select(a => a.Key);
}
