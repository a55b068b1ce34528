using System.Globalization;

namespace ActorCampaigns.Domain.Time;

/// <summary>What happens to a message due in quiet hours: it waits for them to end, it is not sent (<c>quietHours</c>), or the hours do not apply.</summary>
public enum QuietAction { Hold, Drop, Ignore }

/// <summary>
/// Hours of the day, from <see cref="From"/> (included) to <see cref="To"/> (excluded), when a channel sends nothing;
/// past midnight when <see cref="From"/> is later than <see cref="To"/> (21:00 to 08:00).
/// </summary>
public sealed record QuietHours(TimeOnly From, TimeOnly To, QuietAction Action)
{
    /// <summary>Whether a local time of day is within the quiet hours.</summary>
    public bool Holds(TimeOnly time) => From < To ? time >= From && time < To : time >= From || time < To;

    /// <summary>A time of day written <c>HH:mm</c> (00:00 to 23:59), or why not.</summary>
    public static bool TryParseTime(string text, out TimeOnly time, out string error)
    {
        error = "";
        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
            return true;
        error = $"'{text}' is not a time of day written HH:mm (00:00 to 23:59)";
        return false;
    }

    /// <summary>The problem with a window from <paramref name="from"/> to <paramref name="to"/>: none when it is a window.</summary>
    public static string? Problem(TimeOnly from, TimeOnly to) =>
        from == to ? $"quiet hours from {from:HH\\:mm} to {to:HH\\:mm} are no window: from and to must differ" : null;
}
