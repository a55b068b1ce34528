using System.Globalization;
using System.Security.Cryptography;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Tests;

public sealed class ProfileGeneratorTests : IDisposable
{
    private const int Profiles = 200_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-gen-").FullName;

    private static async Task<byte[]> Generate(int seed, long profiles)
    {
        using var stream = new MemoryStream();
        await new ProfileGenerator(seed).WriteAsync(stream, profiles);
        return stream.ToArray();
    }

    private static async Task<List<string>> Lines(IdLayout ids, long profiles)
    {
        using var stream = new MemoryStream();
        await new ProfileGenerator(7, ids).WriteAsync(stream, profiles);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
    }

    [Fact]
    public async Task Every_id_layout_numbers_the_same_rows_with_distinct_ids()
    {
        var dense = await Lines(IdLayout.Dense, 100_000);
        var sparse = await Lines(IdLayout.Sparse, 100_000);
        var random = await Lines(IdLayout.Random64, 100_000);
        static long Id(string line) => long.Parse(line[..line.IndexOf(',')], CultureInfo.InvariantCulture);
        static string Rest(string line) => line[line.IndexOf(',')..];

        Assert.Equal(Enumerable.Range(1, 100_000).Select(i => (long)i), dense.Select(Id));
        Assert.Equal(dense.Select(Rest), sparse.Select(Rest));
        Assert.Equal(dense.Select(Rest), random.Select(Rest));

        var sparseIds = sparse.Select(Id).ToList();
        Assert.All(sparseIds.Select((id, i) => id - 7L * (i + 1)), r => Assert.InRange(r, 0, 6));
        Assert.True(sparseIds.Zip(sparseIds.Skip(1)).All(p => p.Item2 > p.Item1), "sparse ids are in order");
        Assert.InRange(sparseIds.Zip(sparseIds.Skip(1)).Select(p => p.Item2 - p.Item1).Distinct().Count(), 10, 13);

        var randomIds = random.Select(Id).ToList();
        Assert.Equal(randomIds.Count, randomIds.Distinct().Count());
        Assert.All(randomIds, id => Assert.True(id > 0));
        Assert.True(randomIds.Zip(randomIds.Skip(1)).Count(p => p.Item2 < p.Item1) > 40_000, "random64 ids come in no order");
        Assert.True(randomIds.Max() > 1L << 60, "random64 ids spread over 63 bits");
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        var first = await Generate(42, 150_000);
        var again = await Generate(42, 150_000);
        var other = await Generate(43, 150_000);
        Assert.Equal(SHA256.HashData(first), SHA256.HashData(again));
        Assert.NotEqual(SHA256.HashData(first), SHA256.HashData(other));
    }

    [Fact]
    public async Task Two_runs_of_the_command_give_the_same_file()
    {
        var files = new[] { "first.csv", "second.csv" }.Select(f => Path.Combine(_folder, f)).ToList();
        foreach (var file in files)
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet")
            {
                ArgumentList = { typeof(ActorCampaigns.LoadTest.Commands.Arguments).Assembly.Location, "generate", "--profiles", "70000", "--seed", "5", "--out", file },
                RedirectStandardOutput = true,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
            Assert.Contains("generated 70,000 profiles (seed 5, sparse ids)", output);
        }
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(files[0])), SHA256.HashData(await File.ReadAllBytesAsync(files[1])));
    }

    [Fact]
    public async Task Profiles_look_like_a_real_customer_base()
    {
        var bytes = await Generate(7, Profiles);
        using var reader = new StreamReader(new MemoryStream(bytes));
        var records = new CsvReader(reader).ReadAll().ToList();
        var header = records[0].Fields;
        Assert.Equal(ProfileGenerator.Header.Split(','), header);
        var rows = records.Skip(1).Select(r => r.Fields).ToList();
        Assert.Equal(Profiles, rows.Count);
        Assert.All(records, r => Assert.Null(r.Error));
        int Column(string name) => header.ToList().FindIndex(h => h!.Split(':')[0] == name);
        double Share(Func<IReadOnlyList<string?>, bool> predicate) => rows.Count(predicate) / (double)rows.Count;

        Assert.Equal(Enumerable.Range(1, Profiles).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r[0]));

        var countries = rows.GroupBy(r => r[Column("country")]).ToDictionary(g => g.Key!, g => g.Count());
        Assert.InRange(countries.Count, 28, 30);
        Assert.True(countries["FR"] > 10 * countries["CZ"], "country shares are skewed");
        Assert.True(countries.ContainsKey("KP") || countries.ContainsKey("SY") || countries.ContainsKey("IR"));

        foreach (var optIn in new[] { "emailOptIn", "smsOptIn", "pushOptIn" })
            Assert.InRange(Share(r => r[Column(optIn)] == "true"), 0.5, 0.8);

        var ages = rows.Where(r => r[Column("birthDate")] is not null)
            .Select(r => (ProfileGenerator.Reference - DateTime.Parse(r[Column("birthDate")]!, CultureInfo.InvariantCulture)).TotalDays / 365.25).ToList();
        Assert.InRange(ages.Min(), 16, 17);
        Assert.InRange(ages.Max(), 85, 91);

        var emails = rows.Select(r => r[Column("email")]).Where(e => e is not null).ToList();
        Assert.InRange((emails.Count - emails.Distinct().Count()) / (double)rows.Count, 0.01, 0.03);
        Assert.InRange(Share(r => r[Column("email")] is null), 0.01, 0.1);
        Assert.InRange(Share(r => r[Column("phone")] is null), 0.05, 0.3);
        Assert.All(emails, e => Assert.Matches("^[a-z]+\\.[a-z]+[0-9]+@[a-z.]*example\\.(com|org|net)$", e));

        var created = rows.Select(r => DateTime.Parse(r[Column("createdAt")]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).ToList();
        Assert.InRange((ProfileGenerator.Reference - created.Min()).TotalDays, 4.9 * 365, 5.01 * 365);
        Assert.True(created.Max() <= ProfileGenerator.Reference);

        Assert.InRange(rows.Select(r => r[Column("loyaltyTier")]).Distinct().Count(), 5, 5);
        Assert.All(rows, r => Assert.True(double.Parse(r[Column("lifetimeValue")]!, CultureInfo.InvariantCulture) > 0));
    }

    [Fact]
    public async Task Generated_profiles_import_without_a_rejection()
    {
        var path = Path.Combine(_folder, "profiles.csv");
        await File.WriteAllBytesAsync(path, await Generate(1, 30_000));
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_folder, "profiles.db")));
        await store.InitializeAsync();
        using var reader = new StreamReader(path);
        var summary = await store.ImportCsvAsync(reader);
        Assert.Equal((30_000L, 0L), (summary.Imported, summary.Rejected));
        var (filter, _) = Expression.CheckFilter("lifetimeValue > 0 and loyaltyTier is not null or loyaltyTier is null",
            BindingScope.ForProfiles(await store.GetSchemaAsync()));
        Assert.Equal(30_000, await store.CountAsync(filter, EvaluationContext.At(DateTime.UtcNow)));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
