namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// When a channel activity may send a batch: not after its maximum send duration (<paramref name="Deadline"/>), and not
/// in its quiet hours (<paramref name="Quiet"/>), which hold the batch (and those after it) until they end or drop it.
/// What was decided holds for a rerun (after a crash, a pause, a partition moved, quiet hours over): a batch begun
/// (claimed) before is sent whatever the time, one dropped before is dropped again whatever the hour (the ledger
/// records it).
/// </summary>
public sealed record Timing(DateTimeOffset? Deadline, QuietWindow? Quiet, TimeProvider Clock)
{
    public const string Expired = "expired";

    public const string QuietHours = "quietHours";

    /// <summary>What becomes of a batch now: sent, excluded for a reason, or held until an instant.</summary>
    public sealed record Verdict(string? Reason, DateTimeOffset? HeldUntil = null)
    {
        public static readonly Verdict Send = new((string?)null);
    }

    /// <param name="recorded">The batch's state in the ledger (claimed, sent, dropped), or null when never begun.</param>
    /// <param name="drop">Records that quiet hours dropped the batch.</param>
    public async Task<Verdict> JudgeAsync(Func<Task<string?>> recorded, Func<Task> drop)
    {
        if (Deadline is null && Quiet is null)
            return Verdict.Send;
        var state = await recorded();
        if (state == Data.Deliveries.Ledger.Dropped)
            return new Verdict(QuietHours);
        if (state is not null)
            return Verdict.Send;
        var now = Clock.GetUtcNow();
        if (Deadline is { } end && now >= end)
            return new Verdict(Expired);
        if (Quiet is not { } quiet || !quiet.Holds(now))
            return Verdict.Send;
        if (quiet.Hours.Action == Domain.Time.QuietAction.Drop)
        {
            await drop();
            return new Verdict(QuietHours);
        }
        var ends = quiet.EndAfter(now);
        return new Verdict(null, Deadline is { } deadline && deadline < ends ? deadline : ends);
    }
}
