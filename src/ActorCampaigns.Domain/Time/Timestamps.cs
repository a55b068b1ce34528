using System.Globalization;

namespace ActorCampaigns.Domain.Time;

/// <summary>ISO 8601 timestamps as users write them; without an offset a timestamp is UTC.</summary>
public static class Timestamps
{
    public static bool TryParse(string text, out DateTime utc)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed);
        ok = ok && text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-';
        utc = ok ? TruncateToMicroseconds(parsed.UtcDateTime) : default;
        return ok;
    }

    /// <summary>Stores keep microseconds; dropping the rest keeps stores and the evaluator in agreement.</summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
