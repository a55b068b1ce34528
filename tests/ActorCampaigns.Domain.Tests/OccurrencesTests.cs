using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Tests;

public class OccurrencesTests
{
    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static List<DateTime> Take(Schedule schedule, DateTime after, int count)
    {
        var list = new List<DateTime>();
        while (list.Count < count && Occurrences.Next(schedule, list.Count == 0 ? after : list[^1]) is { } next)
            list.Add(next);
        return list;
    }

    [Fact]
    public void Nine_in_Paris_moves_an_hour_in_utc_across_the_spring_change()
    {
        var schedule = new RecurringSchedule("0 9 * * *", "Europe/Paris", null, null);
        Assert.Equal([Utc(3, 28, 8), Utc(3, 29, 7), Utc(3, 30, 7)], Take(schedule, Utc(3, 27, 12), 3));
    }

    [Fact]
    public void A_local_time_skipped_by_daylight_saving_runs_at_the_shift_and_a_repeated_one_once()
    {
        var spring = new RecurringSchedule("30 2 * * *", "Europe/Paris", null, null);
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1), Utc(3, 30, 0, 30)], Take(spring, Utc(3, 27, 12), 3));
        var autumn = new RecurringSchedule("30 2 * * *", "Europe/Paris", null, null);
        Assert.Equal([Utc(10, 24, 0, 30), Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], Take(autumn, Utc(10, 23, 12), 3));
    }

    [Fact]
    public void From_and_until_bound_the_occurrences()
    {
        var schedule = new RecurringSchedule("0 * * * *", "UTC", Utc(5, 1, 10), Utc(5, 1, 12));
        Assert.Equal([Utc(5, 1, 10), Utc(5, 1, 11), Utc(5, 1, 12)], Take(schedule, Utc(1, 1, 0), 10));
    }

    [Fact]
    public void Once_runs_at_its_instant_and_asap_and_signal_are_not_timed()
    {
        Assert.Equal([Utc(6, 1, 9)], Take(new OnceSchedule(Utc(6, 1, 9)), Utc(5, 1, 0), 5));
        Assert.Empty(Take(new OnceSchedule(Utc(6, 1, 9)), Utc(6, 1, 9), 5));
        Assert.Null(Occurrences.Next(new AsapSchedule(), Utc(1, 1, 0)));
        Assert.Null(Occurrences.Next(new SignalSchedule(), Utc(1, 1, 0)));
    }
}
