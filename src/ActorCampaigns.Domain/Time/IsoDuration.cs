using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorCampaigns.Domain.Time;

/// <summary>
/// ISO 8601 durations in weeks, days, hours, minutes and seconds (<c>P3D</c>, <c>PT10M</c>, <c>P1DT12H</c>).
/// Years and months are refused: their length depends on the calendar, so a user should say days.
/// </summary>
public static partial class IsoDuration
{
    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text);
        if (!match.Success || text is "P" || text.EndsWith('T'))
        {
            var datePart = text.Split('T')[0];
            error = text.StartsWith('P') && (datePart.Contains('Y') || datePart.Contains('M'))
                ? $"duration '{text}' uses years or months, whose length varies; write it in days (e.g. P30D)"
                : $"'{text}' is not an ISO 8601 duration such as PT10M, P3D or P1DT12H";
            return false;
        }
        double Part(string name) => match.Groups[name].Success
            ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture)
            : 0;
        var seconds = Part("w") * 7 * 86400 + Part("d") * 86400 + Part("h") * 3600 + Part("m") * 60 + Part("s");
        if (seconds > TimeSpan.FromDays(3660).TotalSeconds)
        {
            error = $"duration '{text}' is longer than ten years";
            return false;
        }
        duration = TimeSpan.FromSeconds(seconds);
        error = "";
        return true;
    }

    [GeneratedRegex(@"^P(?:(?<w>\d{1,6})W)?(?:(?<d>\d{1,6})D)?(?:T(?:(?<h>\d{1,7})H)?(?:(?<m>\d{1,9})M)?(?:(?<s>\d{1,10}(?:\.\d{1,6})?)S)?)?$")]
    private static partial Regex Pattern();
}
