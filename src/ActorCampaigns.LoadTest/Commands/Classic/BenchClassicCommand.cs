using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.LoadTest.Commands.Classic;

/// <summary>
/// <c>bench classic [--profiles 1M,10M] [--canvas bench/bench-canvas.json]</c>: the benchmark canvas run by
/// the engine (one node, as <c>bench canvas</c>) and, in the same run over the same generated profiles, by one SQL
/// statement per activity into work tables in PostgreSQL (<see cref="ClassicCanvas"/>). Both must give the same
/// outputs: every activity port's population size, and per channel the messages (how many, to whom, what length of
/// text). Writes the section classic of docs/benchmarks.md.
/// </summary>
public static class BenchClassicCommand
{
    private sealed record Outputs(Dictionary<(string, string), long> Counts, Dictionary<string, (long Messages, long Profiles, long Characters)> Channels);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var sizes = (args.Text("profiles") ?? "1M,10M").Split(',').Select(s => new Arguments(["--n", s]).Count("n", 1)).ToList();
        var canvasPath = args.Text("canvas") ?? "bench/bench-canvas.json";
        var target = args.Text("out") ?? "docs/benchmarks.md";
        args.RejectUnknown();
        var canvas = await BenchmarkDocument.ReadCanvasAsync(canvasPath, cancellationToken);
        var rows = new List<string>();
        var figures = new List<object>();
        var steps = "";
        var same = true;
        foreach (var size in sizes)
        {
            var folder = Directory.CreateTempSubdirectory("actorcampaigns-classic-").FullName;
            try
            {
                var csv = Path.Combine(folder, "profiles.csv");
                await GenerateCommand.GenerateAsync(csv, size, seed: 1, output, cancellationToken);
                Outputs? engineOutputs = null;
                var engine = await BenchCanvasCommand.MeasureAsync(canvas, size, 2, output, cancellationToken, csv,
                    (dataDir, last) => { engineOutputs = EngineOutputs(dataDir, last); return Task.CompletedTask; });
                var execution = engine[^1].Execution.GetProperty("id").GetString()!;
                var (classicSeconds, classic, classicSteps) = await ClassicAsync(canvas, csv, engine[^1].Id, execution, output, cancellationToken);
                var differences = Differences(engineOutputs!, classic);
                same &= differences.Count == 0;
                foreach (var difference in differences)
                    output.WriteLine($"DIFFERENT at {size:N0}: {difference}");
                var best = engine.Min(r => r.Seconds);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {engine[0].Seconds:F1} | {engine[1].Seconds:F1} | {classicSeconds:F1} | {classicSeconds / engine[0].Seconds:F1}× | {classicSeconds / best:F1}× | {(differences.Count == 0 ? "same" : $"{differences.Count} differ")} |"));
                figures.Add(new
                {
                    profiles = size, engineFirstSeconds = engine[0].Seconds, engineSecondSeconds = engine[1].Seconds, classicSeconds,
                    sameOutputs = differences.Count == 0, differences, statements = classicSteps.Select(s => new { statement = s.Statement, seconds = s.Seconds }),
                });
                steps = $"{size:N0} profiles, classic SQL, per statement:\n\n" + string.Join("\n", classicSteps.Select(s => string.Create(CultureInfo.InvariantCulture, $"- `{s.Statement}`: {s.Seconds:F2} s")));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        var table = "| profiles | engine, 1st campaign s | engine, 2nd campaign s | classic SQL s | classic / engine 1st | classic / engine best | outputs |\n|---:|---:|---:|---:|---:|---:|---|\n" + string.Join("\n", rows);
        output.WriteLine(table);
        BenchmarkDocument.WriteSection(target, "classic", $"""
            ## The engine against the classic SQL execution

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench classic --profiles {string.Join(',', sizes)}`

            {BenchmarkDocument.Machine()}

            The same generated profiles (seed 1) and the benchmark canvas, run two ways in one run. The engine: one node, as
            `bench canvas` runs it (SQLite, the outbox provider; its 1st and 2nd campaign, time from publish to completed).
            The classic way, as database-centred campaign tools execute a workflow: one SQL statement per activity output in
            PostgreSQL (a local server with its default, durable settings; unlogged work tables, the most favourable for it),
            each reading the work tables before it, the channels rendering their messages in SQL into a message table. Time
            from the first statement to the last; the import into each store is not counted. Outputs compared: every
            activity port's population size, and per channel the number of messages, the sum of their profile ids and the
            length of their text: "same" means all equal. The random 5 % control group is drawn the same way by both (the
            engine's keyed random order, computed in SQL too).

            {table}

            {steps}
            """);
        output.WriteLine($"written to {target} and {BenchmarkDocument.WriteResults(target, "classic", figures)}");
        return same ? 0 : 1;
    }

    /// <summary>The engine's last campaign: its port counts, and its messages per channel as its outbox files hold them.</summary>
    private static Outputs EngineOutputs(string dataDir, BenchCanvasCommand.Row last)
    {
        var counts = last.Execution.GetProperty("activities").EnumerateObject()
            .SelectMany(a => a.Value.GetProperty("out").EnumerateObject().Select(p => ((a.Name, p.Name), p.Value.GetInt64()))).ToDictionary(x => x.Item1, x => x.Item2);
        var channels = new Dictionary<string, (long, long, long)>();
        foreach (var file in Directory.GetFiles(Path.Combine(dataDir, "outbox"), "*.jsonl"))
        {
            var channel = Path.GetFileNameWithoutExtension(file);
            long messages = 0, profiles = 0, characters = 0;
            foreach (var line in File.ReadLines(file))
            {
                var message = JsonDocument.Parse(line).RootElement;
                if (message.GetProperty("campaignId").GetString() != last.Id)
                    continue;
                messages++;
                profiles += message.GetProperty("profileId").GetInt64();
                characters += Text(channel, name => message.TryGetProperty(name, out var v) ? v.GetString() : null)?.Length ?? 0;
            }
            channels[channel] = (messages, profiles, characters);
        }
        return new Outputs(counts, channels);
    }

    /// <summary>The text whose length is compared: an email's subject, an SMS's text, a push's body.</summary>
    private static string? Text(string channel, Func<string, string?> field) => field(channel switch { "email" => "subject", "sms" => "text", _ => "body" });

    private static async Task<(double Seconds, Outputs Outputs, List<(string Statement, double Seconds)> Steps)> ClassicAsync(string canvas, string csv, string campaign,
        string execution, TextWriter output, CancellationToken cancel)
    {
        await using var postgres = await TemporaryPostgres.StartAsync(durable: true);
        try
        {
            var store = new PostgresProfileStore(new PostgresDatabase(postgres.ConnectionString));
            await store.InitializeAsync(cancel);
            await ImportCommand.ImportAsync(store, csv, output, cancel);
            var schema = await store.GetSchemaAsync(cancel);
            var document = CampaignValidator.Validate(canvas, schema).Document ?? throw new UsageException("the benchmark canvas does not validate");
            var classic = new ClassicCanvas(postgres.ConnectionString, document, schema, campaign, execution);
            var seconds = await classic.RunAsync(cancel);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classic SQL: {seconds:F1} s ({string.Join(", ", classic.Steps.Select(s => $"{s.Statement} {s.Seconds:F1}"))})"));
            var channels = new Dictionary<string, (long, long, long)>();
            await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
            {
                await connection.OpenAsync(cancel);
                await using var command = new NpgsqlCommand(
                    $"SELECT channel, COUNT(*), SUM(profile), SUM(LENGTH(COALESCE(CASE channel WHEN 'email' THEN content->>'subject' WHEN 'sms' THEN content->>'text' ELSE content->>'body' END, ''))) " +
                    $"FROM {ClassicCanvas.Messages} GROUP BY channel", connection);
                await using var reader = await command.ExecuteReaderAsync(cancel);
                while (await reader.ReadAsync(cancel))
                    channels[reader.GetString(0)] = (reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2)), Convert.ToInt64(reader.GetValue(3)));
            }
            return (seconds, new Outputs(classic.Counts, channels), classic.Steps);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static List<string> Differences(Outputs engine, Outputs classic)
    {
        var differences = new List<string>();
        foreach (var (port, count) in engine.Counts)
        {
            if (classic.Counts.GetValueOrDefault(port) != count)
                differences.Add($"{port.Item1}.{port.Item2}: engine {count:N0}, classic {classic.Counts.GetValueOrDefault(port):N0}");
        }
        foreach (var (channel, figures) in engine.Channels)
        {
            if (classic.Channels.GetValueOrDefault(channel) != figures)
                differences.Add($"{channel} messages (count, sum of ids, characters): engine {figures}, classic {classic.Channels.GetValueOrDefault(channel)}");
        }
        return differences;
    }
}
