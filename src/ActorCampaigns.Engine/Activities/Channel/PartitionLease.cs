using System.Diagnostics;
using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// What lets the owner of a partition send: its epoch, confirmed against the ledger at most <see cref="Duration"/> ago
/// by this process's monotonic clock. A provider that is not idempotent (SMTP) asks before each few messages, so an owner
/// frozen (SIGSTOP) or cut off past its lease asks the ledger again before it sends anything more, and finds its
/// partition given to another (<see cref="FencedOffException"/>). A new owner (an epoch after the first) sends nothing
/// for one <see cref="Duration"/> after it starts: whatever an owner confirmed before the partition moved has expired by
/// then. Without a partition (an execution run whole) there is no lease.
/// </summary>
public sealed class PartitionLease(Ledger ledger, PartitionEpoch owner)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    private readonly long _started = Stopwatch.GetTimestamp();
    private long? _confirmed;

    public PartitionEpoch Owner => owner;

    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_confirmed is { } confirmed && Stopwatch.GetElapsedTime(confirmed) < Duration)
            return;
        if (owner.Epoch > 1 && Stopwatch.GetElapsedTime(_started) is var since && since < Duration)
            await Task.Delay(Duration - since, cancellationToken);
        var asked = Stopwatch.GetTimestamp();
        await ledger.HoldsAsync(owner, cancellationToken);
        _confirmed = asked;
    }
}
