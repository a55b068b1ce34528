using ActorCampaigns.Domain.Campaigns;
using Cronos;

namespace ActorCampaigns.Domain.Time;

/// <summary>When a published campaign runs next, by its schedule.</summary>
public static class Occurrences
{
    /// <summary>
    /// The first occurrence strictly after <paramref name="afterUtc"/>, or null when the schedule has no more:
    /// asap and signal campaigns are not timed; once runs at its instant; recurring follows its cron in its
    /// time zone (daylight saving handled by Cronos: a skipped local time runs at the shift, a repeated one
    /// once), between from and until.
    /// </summary>
    public static DateTime? Next(Schedule schedule, DateTime afterUtc) => schedule switch
    {
        OnceSchedule once => once.At > afterUtc ? once.At : null,
        RecurringSchedule recurring => NextRecurring(recurring, afterUtc),
        _ => null,
    };

    private static DateTime? NextRecurring(RecurringSchedule recurring, DateTime afterUtc)
    {
        var fields = recurring.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var cron = CronExpression.Parse(recurring.Cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(recurring.TimeZone);
        var from = recurring.From is { } start && start > afterUtc ? start.AddTicks(-1) : afterUtc;
        var next = cron.GetNextOccurrence(DateTime.SpecifyKind(from, DateTimeKind.Utc), zone);
        return next is { } due && (recurring.Until is not { } until || due <= until) ? due : null;
    }
}
