namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// When a channel activity may send a batch: not after its maximum send duration (<paramref name="Deadline"/>), and not
/// in its quiet hours (<paramref name="Quiet"/>), which hold the batch until they end or drop it. What was decided
/// holds for a rerun (after a crash, a pause, a partition moved): a batch begun (claimed) before is sent whatever the
/// time, one dropped before is dropped again whatever the hour (the ledger records it).
/// </summary>
public sealed record Timing(DateTimeOffset? Deadline, QuietWindow? Quiet, TimeProvider Clock)
{
    public const string Expired = "expired";

    public const string QuietHours = "quietHours";

    /// <summary>How often a batch held by quiet hours looks at the clock again.</summary>
    private static readonly TimeSpan HoldPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Why the next batch is not sent (<see cref="Expired"/>, <see cref="QuietHours"/>), or null once it may go (after
    /// waiting out quiet hours that hold).
    /// </summary>
    /// <param name="recorded">The batch's state in the ledger (claimed, sent, dropped), or null when never begun.</param>
    /// <param name="drop">Records that quiet hours dropped the batch.</param>
    public async Task<string?> WithheldAsync(Func<Task<string?>> recorded, Func<Task> drop, CancellationToken cancellationToken)
    {
        if (Deadline is null && Quiet is null)
            return null;
        var state = await recorded();
        if (state == Data.Deliveries.Ledger.Dropped)
            return QuietHours;
        if (state is not null)
            return null;
        if (Expires() is { } expired)
            return expired;
        if (Quiet is not { } quiet || !quiet.Holds(Clock.GetUtcNow()))
            return null;
        if (quiet.Hours.Action == Domain.Time.QuietAction.Drop)
        {
            await drop();
            return QuietHours;
        }
        while (quiet.Holds(Clock.GetUtcNow()))
            await Task.Delay(HoldPoll, Clock, cancellationToken);
        return Expires();
    }

    private string? Expires() => Deadline is { } end && Clock.GetUtcNow() >= end ? Expired : null;
}
