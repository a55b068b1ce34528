using System.Globalization;
using Cronos;

namespace ActorCampaigns.Domain.Time;

/// <summary>
/// A time of day on some days of the week, read on each recipient's wall clock: a channel activity's <c>sendAt</c>.
/// Daylight saving as the schedules have it (Cronos): a time skipped by the clock going forward comes at the shift, a
/// time that happens twice comes once, the first time.
/// </summary>
public sealed class LocalSendTime
{
    /// <summary>The days' names in a document, Monday first.</summary>
    public static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private readonly CronExpression _cron;

    public LocalSendTime(TimeOnly at, IReadOnlyCollection<DayOfWeek> days)
    {
        (At, Days) = (at, days.Distinct().Order().ToList());
        _cron = CronExpression.Parse(string.Create(CultureInfo.InvariantCulture,
            $"{at.Minute} {at.Hour} * * {string.Join(',', Days.Select(d => (int)d))}"));
    }

    public TimeOnly At { get; }

    public IReadOnlyList<DayOfWeek> Days { get; }

    /// <summary>The first instant at or after <paramref name="after"/> when the clock in <paramref name="zone"/> reads the time on one of the days.</summary>
    public DateTimeOffset Next(DateTimeOffset after, TimeZoneInfo zone) =>
        _cron.GetNextOccurrence(after.UtcDateTime, zone, inclusive: true) is { } next
            ? new DateTimeOffset(next, TimeSpan.Zero)
            : throw new InvalidOperationException($"no {At:HH\\:mm} ahead of {after:O} in {zone.Id}");

    /// <summary>A day's name (<c>mon</c> to <c>sun</c>), or null when it is none.</summary>
    public static DayOfWeek? Day(string name) => Array.IndexOf(DayNames, name) is var index and >= 0 ? (DayOfWeek)((index + 1) % 7) : null;
}
