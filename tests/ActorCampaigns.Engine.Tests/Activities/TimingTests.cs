using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Activities.Channel;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>What a channel may send and when: what a first run decided for a batch holds for a rerun, whatever the hour.</summary>
public sealed class TimingTests
{
    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly QuietWindow Night = new(new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0), QuietAction.Drop), TimeZoneInfo.Utc);
    private static readonly DateTimeOffset TenPm = new(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);

    private static async Task<(string? Withheld, bool Dropped)> AskAsync(Timing timing, string? recorded)
    {
        var dropped = false;
        var verdict = await timing.JudgeAsync(() => Task.FromResult(recorded), () =>
        {
            dropped = true;
            return Task.CompletedTask;
        });
        return (verdict.Reason, dropped);
    }

    [Fact]
    public async Task A_batch_due_in_quiet_hours_that_drop_is_recorded_dropped_and_a_rerun_in_the_morning_drops_it_again()
    {
        Assert.Equal((Timing.QuietHours, true), await AskAsync(new Timing(null, Night, new At(TenPm)), null));
        Assert.Equal((Timing.QuietHours, false), await AskAsync(new Timing(null, Night, new At(TenPm.AddHours(11))), "dropped"));
        Assert.Equal(((string?)null, false), await AskAsync(new Timing(null, Night, new At(TenPm.AddHours(11))), null));
    }

    [Fact]
    public async Task A_batch_begun_before_is_sent_whatever_the_hour_or_the_deadline()
    {
        Assert.Equal(((string?)null, false), await AskAsync(new Timing(TenPm.AddHours(-1), Night, new At(TenPm)), "claimed"));
        Assert.Equal((Timing.Expired, false), await AskAsync(new Timing(TenPm.AddHours(-1), Night, new At(TenPm)), null));
        Assert.Equal(((string?)null, false), await AskAsync(new Timing(null, null, new At(TenPm)), null));
    }

    [Fact]
    public async Task Quiet_hours_that_hold_hold_a_batch_until_they_end_in_their_zone_or_until_the_deadline_if_sooner()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var night = new QuietWindow(new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0), QuietAction.Hold), paris);
        // 22:00 UTC is 23:00 in Paris in December: the window ends at 08:00 there, 07:00 UTC.
        var verdict = await new Timing(null, night, new At(TenPm)).JudgeAsync(() => Task.FromResult<string?>(null), () => Task.CompletedTask);
        Assert.Equal((null, new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero)), (verdict.Reason, verdict.HeldUntil));
        var sooner = await new Timing(TenPm.AddHours(2), night, new At(TenPm)).JudgeAsync(() => Task.FromResult<string?>(null), () => Task.CompletedTask);
        Assert.Equal(TenPm.AddHours(2), sooner.HeldUntil);
        // At 07:00 UTC the window is over: sent.
        Assert.Equal(Timing.Verdict.Send, await new Timing(null, night, new At(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero)))
            .JudgeAsync(() => Task.FromResult<string?>(null), () => Task.CompletedTask));
    }
}
