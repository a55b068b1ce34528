using System.Text;

namespace ActorCampaigns.Data.Samples;

/// <summary>How a generated profile base numbers its profiles.</summary>
public enum IdLayout
{
    /// <summary>1..N, in order: what no real export looks like.</summary>
    Dense,

    /// <summary>In order with gaps, as a CRM export after years of deletions: the i-th profile gets 7i + r, 0 &lt;= r &lt; 7.</summary>
    Sparse,

    /// <summary>Random 63-bit ids in no order (ids from another system's hash or a UUID's bits).</summary>
    Random64,
}

/// <summary>
/// Writes a synthetic profile base as CSV: ids by <see cref="IdLayout"/> (the rows are the same whatever the layout:
/// only the id column changes), thirty countries with skew, opt-in rates between 50 and
/// 80 % per channel, ages 16 to 90, about 2 % shared emails, some missing addresses, creation dates over five
/// years, and two custom attributes. The same seed gives the same file, byte for byte; chunks of rows are
/// generated in parallel, each from its own seeded generator, and written in order.
/// </summary>
public sealed class ProfileGenerator(int seed, IdLayout ids = IdLayout.Dense)
{
    public const string Header =
        "id,email,phone,pushToken,firstName,lastName,country,city,language,birthDate,createdAt,emailOptIn,smsOptIn,pushOptIn,loyaltyTier:string,lifetimeValue:number";

    /// <summary>A fixed "today", so a seed always gives the same ages and dates.</summary>
    public static readonly DateTime Reference = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    private const int ChunkRows = 1 << 16;
    private static readonly double[] CountryCumulative = Cumulative(Countries.All.Select(c => c.Weight));
    private static readonly double[] TierCumulative = Cumulative(Countries.LoyaltyTiers.Select(t => t.Weight));

    public async Task WriteAsync(Stream output, long profiles, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes(Header + "\n"), cancellationToken);
        var chunks = (profiles + ChunkRows - 1) / ChunkRows;
        var window = Math.Max(2, Environment.ProcessorCount * 2);
        for (long first = 0; first < chunks; first += window)
        {
            var count = (int)Math.Min(window, chunks - first);
            var buffers = new byte[count][];
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var chunk = first + i;
                var start = chunk * ChunkRows + 1;
                var end = Math.Min(profiles, start + ChunkRows - 1);
                buffers[i] = Chunk(chunk, start, end);
            });
            foreach (var buffer in buffers)
                await output.WriteAsync(buffer, cancellationToken);
            progress?.Report(Math.Min(profiles, (first + count) * ChunkRows));
        }
    }

    private byte[] Chunk(long chunk, long firstId, long lastId)
    {
        // Not HashCode.Combine: it is seeded anew in every process, and the same seed must give the same file anywhere.
        var random = new Random((int)Mix(seed * 1_000_003L + chunk));
        var line = new StringBuilder(200);
        var bytes = new MemoryStream((int)(lastId - firstId + 1) * 170);
        var encoded = new byte[1024];
        for (var ordinal = firstId; ordinal <= lastId; ordinal++)
        {
            line.Clear();
            WriteProfile(line, ordinal, IdOf(ordinal), random);
            var length = Encoding.UTF8.GetBytes(line.ToString(), encoded);
            bytes.Write(encoded, 0, length);
        }
        return bytes.ToArray();
    }

    /// <summary>The id of the <paramref name="ordinal"/>-th profile (from 1): distinct for distinct ordinals in every layout.</summary>
    public long IdOf(long ordinal) => ids switch
    {
        IdLayout.Sparse => 7 * ordinal + (long)(Mix(ordinal ^ seed) % 7),
        // Odd multipliers and a shift-xor are bijections of the 63-bit numbers: no two ordinals share an id.
        IdLayout.Random64 => Scramble(ordinal + seed * 0x5DEECE66DL),
        _ => ordinal,
    };

    private static long Scramble(long value)
    {
        const ulong mask = (1UL << 63) - 1;
        var x = (ulong)value * 0x9E3779B97F4A7C15UL & mask;
        x ^= x >> 31;
        return (long)(x * 0xBF58476D1CE4E5B9UL & mask);
    }

    /// <summary>A row depends on its ordinal, not its id: the same base in every layout, and shared emails found without memory.</summary>
    private static void WriteProfile(StringBuilder line, long id, long profileId, Random random)
    {
        var country = Countries.All[Pick(CountryCumulative, random)];
        var (first, last) = NamesOf(id);
        line.Append(profileId).Append(',');

        // About 2 % share the address of an earlier profile (a household, a typo merged by a CRM...).
        if (random.Next(100) >= 4)
        {
            var owner = id > 1 && random.Next(100) < 2 ? 1 + (long)(random.NextDouble() * (id - 1)) : id;
            AppendEmail(line, owner);
        }
        line.Append(',');
        if (random.Next(100) >= 12)
            line.Append('+').Append(country.DialCode).Append(random.Next(600_000_000, 799_999_999));
        line.Append(',');
        if (random.Next(100) >= 35)
        {
            for (var i = 0; i < 4; i++)
                line.Append(((uint)random.Next()).ToString("x8"));
        }
        line.Append(',').Append(first).Append(',').Append(last).Append(',').Append(country.Code).Append(',')
            .Append(country.Cities[random.Next(country.Cities.Length)]).Append(',').Append(country.Language).Append(',');
        if (random.Next(100) >= 7)
        {
            var age = 16 + Math.Min(74, (int)Math.Abs(NextGaussian(random) * 17 + 24));
            var birth = DateOnly.FromDateTime(Reference).AddYears(-age).AddDays(-random.Next(365));
            AppendDate(line, birth);
        }
        line.Append(',');
        AppendTimestamp(line, Reference.AddSeconds(-random.NextDouble() * 5 * 365.25 * 86400));
        line.Append(',');
        AppendOptIn(line, random, 0.72 + country.OptInShift).Append(',');
        AppendOptIn(line, random, 0.58 + country.OptInShift).Append(',');
        AppendOptIn(line, random, 0.65 + country.OptInShift).Append(',');
        if (random.Next(100) >= 10)
            line.Append(Countries.LoyaltyTiers[Pick(TierCumulative, random)].Tier);
        line.Append(',');
        var value = Math.Round(Math.Exp(NextGaussian(random) * 1.1 + 4.2), 2);
        line.Append(value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Names depend only on the id, so the address of an earlier profile can be rebuilt without memory.</summary>
    private static (string First, string Last) NamesOf(long id)
    {
        var hash = Mix(id);
        return (Countries.FirstNames[(int)(hash % (ulong)Countries.FirstNames.Length)],
            Countries.LastNames[(int)(hash / 64 % (ulong)Countries.LastNames.Length)]);
    }

    private static ulong Mix(long id)
    {
        var x = (ulong)id * 0x9E3779B97F4A7C15UL;
        x ^= x >> 31;
        return x * 0xBF58476D1CE4E5B9UL ^ (x >> 29);
    }

    private static readonly Dictionary<string, string> Slugs = Countries.FirstNames.Concat(Countries.LastNames).Distinct()
        .ToDictionary(name => name, name => new string(name.Normalize(NormalizationForm.FormD).ToLowerInvariant()
            .Select(c => c switch { 'ø' => 'o', 'ł' => 'l', 'ß' => 's', _ => c }).Where(char.IsAsciiLetterLower).ToArray()));

    private static void AppendEmail(StringBuilder line, long owner)
    {
        var (first, last) = NamesOf(owner);
        line.Append(Slugs[first]).Append('.').Append(Slugs[last]).Append(owner).Append('@').Append(Countries.Domains[(int)(Mix(owner) / 4096 % (ulong)Countries.Domains.Length)]);
    }

    private static StringBuilder AppendOptIn(StringBuilder line, Random random, double rate) =>
        line.Append(random.NextDouble() < Math.Clamp(rate, 0.5, 0.8) ? "true" : "false");

    private static void AppendDate(StringBuilder line, DateOnly date)
    {
        Span<char> text = stackalloc char[10];
        date.TryFormat(text, out _, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        line.Append(text);
    }

    private static void AppendTimestamp(StringBuilder line, DateTime utc)
    {
        Span<char> text = stackalloc char[20];
        utc.TryFormat(text, out _, "yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        line.Append(text);
    }

    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Pick(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static double[] Cumulative(IEnumerable<double> weights)
    {
        var total = 0.0;
        return weights.Select(w => total += w).ToArray();
    }
}
