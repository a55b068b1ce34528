using System.Globalization;
using System.Text;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// Bookings for the entity benchmark, as a booking system exports them: ids with gaps and in no order of profile, each
/// linked to a profile of the generated file (a few guests book often, most once or twice: the profile is drawn with
/// a skew), one in a thousand to a profile the CRM never exported; an amount with cents, a date within a year, a hotel.
/// </summary>
public static class BookingsFile
{
    public const string Header = "id,profileId:link(profiles),amount:number,bookedOn:date,hotel";

    public static async Task GenerateAsync(string profilesCsv, string path, long bookings, int seed, TextWriter output, CancellationToken cancellationToken)
    {
        var profiles = File.ReadLines(profilesCsv).Skip(1).Select(line => long.Parse(line.AsSpan(0, line.IndexOf(',')), CultureInfo.InvariantCulture)).ToArray();
        var random = new Random(seed);
        var progress = new ProgressLine(output);
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await file.WriteLineAsync(Header);
        var line = new StringBuilder(96);
        var first = new DateOnly(2025, 12, 1);
        for (long b = 0; b < bookings; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Squaring a uniform draw skews it: the first tenth of the profiles get about a third of the bookings.
            var draw = random.NextDouble();
            var profile = random.Next(1_000) == 0 ? -1 - b : profiles[(int)(draw * draw * profiles.Length)];
            line.Clear().Append(CultureInfo.InvariantCulture, $"{5_000_000_000L + 17 * b + random.Next(17)},{profile},{random.Next(4_000, 250_000) / 100.0},")
                .Append(first.AddDays(random.Next(365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(",H").Append(random.Next(250));
            await file.WriteLineAsync(line);
            if (b % 100_000 == 0)
                progress.Report($"generating bookings: {b:N0} / {bookings:N0}");
        }
        progress.Done();
        output.WriteLine($"generated {bookings:N0} bookings over {profiles.Length:N0} profiles");
    }
}
