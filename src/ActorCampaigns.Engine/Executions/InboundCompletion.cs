using System.Collections.Immutable;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Which activities feeding a running activity have completed. An activity that streams its inbound populations
/// starts while they are still being written, and reads each until its writer has completed; its actor marks them
/// as the campaign tells it.
/// </summary>
public sealed class InboundCompletion(IEnumerable<string> completed)
{
    private ImmutableHashSet<string> _completed = completed.ToImmutableHashSet();

    public bool IsCompleted(string activity) => Volatile.Read(ref _completed).Contains(activity);

    public void Complete(string activity) => ImmutableInterlocked.Update(ref _completed, set => set.Add(activity));
}
