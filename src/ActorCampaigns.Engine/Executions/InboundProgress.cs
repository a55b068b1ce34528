using System.Collections.Immutable;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// What has come in to a running activity: which activities feeding it have completed, and how many profiles it has
/// read from them. An activity that streams its inbound populations starts while they are still being written, and
/// reads each until its writer has completed; its actor marks them as the campaign tells it.
/// </summary>
public sealed class InboundProgress(IEnumerable<string> completed)
{
    private ImmutableHashSet<string> _completed = completed.ToImmutableHashSet();
    private TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _arrived;

    public bool IsCompleted(string activity) => Volatile.Read(ref _completed).Contains(activity);

    /// <summary>
    /// Completes when an activity feeding this one next completes: a reader waiting for more of a population wakes
    /// then, rather than at its next poll (in a chain of activities, each poll would add to the whole).
    /// </summary>
    public Task NextCompletion => Volatile.Read(ref _completion).Task;

    public void Complete(string activity)
    {
        ImmutableInterlocked.Update(ref _completed, set => set.Add(activity));
        Interlocked.Exchange(ref _completion, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Profiles read so far over all inbound transitions.</summary>
    public long Arrived => Interlocked.Read(ref _arrived);

    public void Read(int profiles) => Interlocked.Add(ref _arrived, profiles);
}
