namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// When a channel activity may send a batch: not after its maximum send duration (<paramref name="Deadline"/>), and not
/// in its quiet hours (<paramref name="Quiet"/>), which hold the batch until they end or drop it. A batch begun
/// (claimed) before is sent whatever the time: a rerun after a crash finishes what was started.
/// </summary>
public sealed record Timing(DateTimeOffset? Deadline, QuietWindow? Quiet, TimeProvider Clock)
{
    public const string Expired = "expired";

    public const string QuietHours = "quietHours";

    /// <summary>How often a batch held by quiet hours looks at the clock again.</summary>
    private static readonly TimeSpan HoldPoll = TimeSpan.FromSeconds(1);

    /// <summary>Why the next batch is not sent (<see cref="Expired"/>, <see cref="QuietHours"/>), or null once it may go (after waiting out quiet hours that hold).</summary>
    public async Task<string?> WithheldAsync(Func<Task<bool>> claimed, CancellationToken cancellationToken)
    {
        if (Deadline is null && Quiet is null)
            return null;
        if (Expires() is { } expired)
            return await claimed() ? null : expired;
        if (Quiet is not { } quiet || !quiet.Holds(Clock.GetUtcNow()) || await claimed())
            return null;
        if (quiet.Hours.Action == Domain.Time.QuietAction.Drop)
            return QuietHours;
        while (quiet.Holds(Clock.GetUtcNow()))
            await Task.Delay(HoldPoll, cancellationToken);
        return Expires();
    }

    private string? Expires() => Deadline is { } end && Clock.GetUtcNow() >= end ? Expired : null;
}
