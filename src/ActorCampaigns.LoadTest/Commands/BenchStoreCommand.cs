using System.Diagnostics;
using System.Globalization;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.LoadTest.Postgres;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>bench store [--profiles 1M,10M] [--out docs/benchmarks.md]</c>: for each size, generates profiles, imports them
/// into a fresh SQLite file and a fresh (durable) PostgreSQL server, and streams filtered audiences from both.
/// </summary>
public static class BenchStoreCommand
{
    private static readonly string[] Filters = ["emailOptIn or smsOptIn or pushOptIn", "country = 'FR' and emailOptIn"];

    private sealed record Row(string Store, long Profiles, double GenerateSeconds, double ImportSeconds, long Imported, string Filter, long Matched, double StreamSeconds);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var sizes = (args.Text("profiles") ?? "1M,10M").Split(',').Select(s => new Arguments(["--n", s]).Count("n", 1)).ToList();
        var target = args.Text("out") ?? "docs/benchmarks.md";
        var skipPostgres = args.Flag("sqlite-only");
        args.RejectUnknown();
        var rows = new List<Row>();
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-bench-").FullName;
        try
        {
            foreach (var size in sizes)
            {
                var csv = Path.Combine(folder, $"profiles-{size}.csv");
                var clock = Stopwatch.StartNew();
                await GenerateCommand.GenerateAsync(csv, size, seed: 1, output, cancellationToken);
                var generateSeconds = clock.Elapsed.TotalSeconds;
                rows.AddRange(await MeasureAsync("SQLite", new SqliteProfileStore(new SqliteDatabase(Path.Combine(folder, $"profiles-{size}.db"))), csv, size, generateSeconds, output, cancellationToken));
                if (!skipPostgres)
                {
                    await using var server = await TemporaryPostgres.StartAsync(durable: true);
                    rows.AddRange(await MeasureAsync("PostgreSQL", new PostgresProfileStore(new PostgresDatabase(server.ConnectionString)), csv, size, generateSeconds, output, cancellationToken));
                }
                File.Delete(csv);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
        var table = Table(rows);
        output.WriteLine();
        output.WriteLine(table);
        BenchmarkDocument.WriteSection(target, "store", $"""
            ## Profile store: import and audience streaming

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench store --profiles {string.Join(',', sizes.Select(Short))}`

            {BenchmarkDocument.Machine()}

            Generated profiles (seed 1) are imported from CSV into a fresh store, then each audience is streamed
            in id order as batches of 10,000 ids (keyset pagination), as a buildAudience activity reads it.
            PostgreSQL is a local server started by the benchmark with its default, durable settings (fsync on).
            Targets: import ≥ 200,000 rows/s on SQLite; a 10M-profile filter streamed in ≤ 5 s.

            {table}
            """);
        output.WriteLine($"written to {target}");
        return 0;
    }

    private static async Task<List<Row>> MeasureAsync(string name, ProfileStore store, string csv, long size, double generateSeconds,
        TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"{name}, {size:N0} profiles");
        await store.InitializeAsync(cancellationToken);
        var summary = await ImportCommand.ImportAsync(store, csv, output, cancellationToken);
        var rows = new List<Row>();
        foreach (var filter in Filters)
        {
            var audience = await CountCommand.CountAsync(store, filter, cancellationToken);
            output.WriteLine($"  {filter}: {audience.Count:N0} profiles streamed in {audience.Elapsed.TotalSeconds:F2} s");
            rows.Add(new Row(name, size, generateSeconds, summary.Elapsed.TotalSeconds, summary.Accepted, filter, audience.Count, audience.Elapsed.TotalSeconds));
        }
        return rows;
    }

    private static string Table(List<Row> rows)
    {
        var lines = new List<string>
        {
            "| store | profiles | generate s | import s | import rows/s | audience | matched | stream s | streamed ids/s |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|",
        };
        lines.AddRange(rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Store} | {r.Profiles:N0} | {r.GenerateSeconds:F1} | {r.ImportSeconds:F1} | {r.Imported / r.ImportSeconds:N0} | `{r.Filter}` | {r.Matched:N0} | {r.StreamSeconds:F2} | {r.Matched / r.StreamSeconds:N0} |")));
        return string.Join("\n", lines);
    }

    private static string Short(long n) => n % 1_000_000 == 0 ? $"{n / 1_000_000}M" : n % 1_000 == 0 ? $"{n / 1_000}k" : n.ToString(CultureInfo.InvariantCulture);
}
