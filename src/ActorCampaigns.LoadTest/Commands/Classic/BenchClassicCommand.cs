using System.Globalization;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Data.Samples;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// <c>bench classic [--profiles 1M,10M] [--ids sparse|dense|random64] [--canvas bench/bench-canvas.json]</c>: the
/// benchmark canvas run by the engine (one node, as <c>bench canvas</c>) and, in the same run over the same generated
/// profiles, by one SQL statement per activity into unlogged work tables of a PostgreSQL server sized for the machine
/// (<see cref="ClassicCanvas"/>). Both must give the same outputs: every activity port's population size, and per
/// channel the same message ids, each with the same text (<see cref="MessageComparison"/>). Writes the section
/// classic (classic-dense, classic-random64) of docs/benchmarks.md.
/// </summary>
public static class BenchClassicCommand
{
    private sealed record Classic(string Version, double Seconds, List<(string Statement, double Seconds)> Steps, List<string> Differences);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var sizes = (args.Text("profiles") ?? "1M,10M").Split(',').Select(s => new Arguments(["--n", s]).Count("n", 1)).ToList();
        var canvasPath = args.Text("canvas") ?? "bench/bench-canvas.json";
        var target = args.Text("out") ?? "docs/benchmarks.md";
        var idsName = args.Text("ids") ?? "sparse";
        var ids = GenerateCommand.Layout(idsName);
        args.RejectUnknown();
        var canvas = await BenchmarkDocument.ReadCanvasAsync(canvasPath, cancellationToken);
        var rows = new List<string>();
        var figures = new List<object>();
        var steps = "";
        var version = "";
        var same = true;
        foreach (var size in sizes)
        {
            var folder = Directory.CreateTempSubdirectory("actorcampaigns-classic-").FullName;
            try
            {
                var csv = Path.Combine(folder, "profiles.csv");
                var sent = Path.Combine(folder, "engine-messages.jsonl");
                await GenerateCommand.GenerateAsync(csv, size, seed: 1, output, cancellationToken, ids);
                var engine = await BenchCanvasCommand.MeasureAsync(canvas, size, 2, output, cancellationToken, csv,
                    (dataDir, last) => SentMessage.SaveAsync(SentMessage.FromOutboxAsync(Path.Combine(dataDir, "outbox"), last.Id, cancellationToken), sent));
                var classic = await ClassicAsync(canvas, csv, engine[^1], sent, output, cancellationToken);
                version = classic.Version;
                same &= classic.Differences.Count == 0;
                foreach (var difference in classic.Differences)
                    output.WriteLine($"DIFFERENT at {size:N0}: {difference}");
                var best = engine.Min(r => r.Seconds);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {engine[0].Seconds:F1} | {engine[1].Seconds:F1} | {classic.Seconds:F1} | {classic.Seconds / engine[0].Seconds:F1}× | {classic.Seconds / best:F1}× | {(classic.Differences.Count == 0 ? "same" : $"{classic.Differences.Count} differ")} |"));
                figures.Add(new
                {
                    profiles = size, ids = idsName, engineFirstSeconds = engine[0].Seconds, engineSecondSeconds = engine[1].Seconds, classicSeconds = classic.Seconds,
                    sameOutputs = classic.Differences.Count == 0, differences = classic.Differences,
                    statements = classic.Steps.Select(s => new { statement = s.Statement, seconds = s.Seconds }),
                });
                steps = $"{size:N0} profiles, classic SQL, per statement:\n\n" + string.Join("\n", classic.Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"- `{s.Statement}`: {s.Seconds:F2} s")));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        var table = "| profiles | engine, 1st campaign s | engine, 2nd campaign s | classic SQL s | classic / engine 1st | classic / engine best | outputs |\n|---:|---:|---:|---:|---:|---:|---|\n" + string.Join("\n", rows);
        output.WriteLine(table);
        var section = idsName == "sparse" ? "classic" : $"classic-{idsName}";
        BenchmarkDocument.WriteSection(target, section, $"""
            ## The engine against the classic SQL execution{(idsName == "sparse" ? "" : $", {idsName} ids")}

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench classic --profiles {string.Join(',', sizes)}{(idsName == "sparse" ? "" : $" --ids {idsName}")}`

            {BenchmarkDocument.Machine()}

            The same generated profiles (seed 1, {IdsText(ids)}) and the benchmark canvas,
            run two ways in one run. The engine: one node, as `bench canvas` runs it (SQLite, the outbox provider,
            emails tracked; its 1st and 2nd campaign, time from publish to completed). The classic way, as a competent
            team runs a workflow in a database-centred campaign tool: one INSERT ... SELECT per activity output into
            UNLOGGED work tables, each reading the work tables before it; the channels render their messages in SQL, by
            INSERT ... SELECT into an UNLOGGED message table, the ledger of what was sent. The server: PostgreSQL
            {version}, local and durable (fsync on; the work tables write no WAL anyway), sized for the machine:
            {TemporaryPostgres.SizedText}.
            After the import (binary COPY, then ANALYZE), `VACUUM (ANALYZE) profiles` and a `CHECKPOINT`, as after
            any bulk load, so the statements run on fresh statistics and hinted, all-visible pages, and do not pay
            for the import's writes. Time from the first statement to the last; the imports, the vacuum and the
            checkpoint are not counted. Outputs compared: every activity port's population size, and per channel the
            set of message ids (campaign.execution.activity.profile, as the engine names a message), each with its
            text: an email's subject (a node rewrites the html for tracking), an SMS's text, a push's body; compared
            by a digest of each message's id and text that does not depend on their order (the first differing
            messages are named). "same" means all equal. The random 5 % control group is drawn the same way by both
            (the engine's keyed random order, computed in SQL too).

            {table}

            {steps}
            """);
        output.WriteLine($"written to {target} and {BenchmarkDocument.WriteResults(target, section, figures)}");
        return same ? 0 : 1;
    }

    private static string IdsText(IdLayout ids) => ids switch
    {
        IdLayout.Dense => "dense ids, 1..N",
        IdLayout.Random64 => "random 63-bit ids in no order",
        _ => "sparse ids, with gaps as a CRM export has them",
    };

    /// <param name="sent">The engine's messages (<see cref="SentMessage.SaveAsync"/>).</param>
    private static async Task<Classic> ClassicAsync(string canvas, string csv, BenchCanvasCommand.Row engine, string sent, TextWriter output, CancellationToken cancel)
    {
        await using var postgres = await TemporaryPostgres.StartAsync(durable: true, TemporaryPostgres.Sized);
        try
        {
            var store = new PostgresProfileStore(new PostgresDatabase(postgres.ConnectionString));
            await store.InitializeAsync(cancel);
            await ImportCommand.ImportAsync(store, csv, output, cancel);
            var version = await AfterImportAsync(postgres.ConnectionString, cancel);
            var schema = await store.GetSchemaAsync(cancel);
            var document = CampaignValidator.Validate(canvas, schema).Document ?? throw new UsageException("the benchmark canvas does not validate");
            var classic = new ClassicCanvas(postgres.ConnectionString, document, schema, engine.Id, engine.Execution.GetProperty("id").GetString()!);
            var seconds = await classic.RunAsync(cancel);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classic SQL: {seconds:F1} s ({string.Join(", ", classic.Steps.Select(s => $"{s.Statement} {s.Seconds:F1}"))})"));
            var differences = PortDifferences(engine, classic.Counts);
            differences.AddRange(await MessageComparison.DifferencesAsync(
                () => SentMessage.FromFileAsync(sent, cancel), () => SentMessage.FromTableAsync(postgres.ConnectionString, cancel)));
            return new Classic(version, seconds, classic.Steps, differences);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    /// <summary>What a team does after a bulk load: vacuum and analyse the table, then a checkpoint. Returns the server's version.</summary>
    private static async Task<string> AfterImportAsync(string connectionString, CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        foreach (var sql in new[] { "VACUUM (ANALYZE) profiles", "CHECKPOINT" })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancel);
        }
        return connection.PostgreSqlVersion.ToString();
    }

    private static List<string> PortDifferences(BenchCanvasCommand.Row engine, Dictionary<(string Activity, string Port), long> classic)
    {
        var differences = new List<string>();
        foreach (var activity in engine.Execution.GetProperty("activities").EnumerateObject())
        foreach (var port in activity.Value.GetProperty("out").EnumerateObject())
        {
            var (count, theirs) = (port.Value.GetInt64(), classic.GetValueOrDefault((activity.Name, port.Name)));
            if (theirs != count)
                differences.Add($"{activity.Name}.{port.Name}: engine {count:N0}, classic {theirs:N0}");
        }
        return differences;
    }
}
