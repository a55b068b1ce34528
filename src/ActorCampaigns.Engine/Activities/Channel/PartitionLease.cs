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
/// <param name="clock">The node's clock; its timestamps are monotonic (a frozen process finds them moved on).</param>
public sealed class PartitionLease(Ledger ledger, PartitionEpoch owner, TimeProvider clock)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    private readonly long _started = clock.GetTimestamp();
    private long? _confirmed;

    public PartitionEpoch Owner => owner;

    /// <exception cref="FencedOffException">The partition was given to a later owner.</exception>
    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_confirmed is { } confirmed && clock.GetElapsedTime(confirmed) < Duration)
            return;
        if (owner.Epoch > 1 && clock.GetElapsedTime(_started) is var since && since < Duration)
            await Task.Delay(Duration - since, clock, cancellationToken);
        var asked = clock.GetTimestamp();
        await ledger.HoldsAsync(owner, cancellationToken);
        _confirmed = asked;
    }
}
