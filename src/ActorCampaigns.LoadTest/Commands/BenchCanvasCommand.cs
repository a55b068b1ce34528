using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCampaigns.Data.Samples;
using ActorCampaigns.LoadTest.Commands.Load;
using ActorCampaigns.LoadTest.Postgres;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>bench canvas [--profiles 1M,10M] [--campaigns 2] [--ids sparse|dense|random64] [--store sqlite|postgres] [--canvas bench/bench-canvas.json] [--trace DIR]</c>:
/// the benchmark canvas end to end on a node process per size, as a user runs one: the Node executable on a fresh
/// SQLite data dir (or, with <c>--store postgres</c>, a fresh PostgreSQL server sized for the machine, the node a one-node
/// cluster on it, its outbox the cluster's outbox table), profiles imported and campaigns created, published and followed through its gateway, emails
/// tracked as a node tracks them; from publish to completed, as the node's first campaign and the ones after it.
/// With <c>--trace DIR</c>, each campaign is also traced (CPU samples, dotnet-trace) and its top methods printed.
/// With <c>--bookings 10M</c>, that many bookings are generated over the profiles and imported as an entity, and the
/// canvas is <c>bench/bench-entity-canvas.json</c>: one email per booking, and the bookings changed to their profiles
/// with aggregates for a second email.
/// </summary>
public static class BenchCanvasCommand
{
    /// <param name="PeakGiB">The node's peak resident memory while the campaign ran (the import's peak is not counted).</param>
    /// <param name="ResidentGiB">The node's resident memory once the campaign completed.</param>
    /// <param name="Status">The campaign's status document (<c>GET /api/campaigns/{id}/status</c>) once it completed.</param>
    /// <param name="Busy">Where the node's threads were busy while the campaign ran (with <c>--trace</c>), or null.</param>
    public sealed record Row(long Profiles, int Campaign, double Seconds, long Messages, double PeakGiB, double ResidentGiB, double CpuSeconds,
        double KernelSeconds, string Activities, JsonElement Status, string? Busy = null)
    {
        public string Id => Status.GetProperty("id").GetString()!;

        public JsonElement Execution => Status.GetProperty("executions")[0];
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var sizes = (args.Text("profiles") ?? "1M,10M").Split(',').Select(s => new Arguments(["--n", s]).Count("n", 1)).ToList();
        var campaigns = (int)Math.Min(args.Count("campaigns", 2), 10);
        var canvasPath = args.Text("canvas") ?? (args.Text("bookings") is null ? "bench/bench-canvas.json" : "bench/bench-entity-canvas.json");
        var target = args.Text("out") ?? "docs/benchmarks.md";
        var idsName = args.Text("ids") ?? "sparse";
        var ids = GenerateCommand.Layout(idsName);
        var trace = args.Text("trace");
        var store = args.Text("store") ?? "sqlite";
        var bookings = args.Count("bookings", 0);
        if (bookings > 0 && store == "postgres")
            throw new UsageException("--bookings runs on SQLite (the node's fresh data dir) for now, not with --store postgres");
        if (store is not ("sqlite" or "postgres"))
            throw new UsageException($"--store takes sqlite or postgres; '{store}' is not one");
        args.RejectUnknown();
        var canvas = await BenchmarkDocument.ReadCanvasAsync(canvasPath, cancellationToken);
        var rows = new List<Row>();
        foreach (var size in sizes)
            rows.AddRange(await MeasureAsync(canvas, size, campaigns, output, cancellationToken, ids: ids, trace: trace, postgres: store == "postgres", bookings: bookings));
        if (bookings > 0)
            return WriteEntitySection(target, rows, sizes, bookings, campaigns, canvasPath, output);

        var table = string.Join("\n", new[]
        {
            "| profiles | campaign of the node | publish → completed s | profiles/s | messages sent | node's peak RSS GiB | RSS after GiB | node's CPU s | of which in the kernel s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        }.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Profiles:N0} | {Ordinal(r.Campaign)} | {r.Seconds:F1} | {r.Profiles / r.Seconds:N0} | {r.Messages:N0} | {r.PeakGiB:F2} | {r.ResidentGiB:F2} | {r.CpuSeconds:F1} | {r.KernelSeconds:F1} |"))));
        var details = string.Join("\n\n", rows.Where(r => r.Campaign == campaigns).Select(r =>
            $"{r.Profiles:N0} profiles, {Ordinal(r.Campaign)} campaign, per activity (in → out per port):\n\n{r.Activities}" +
            (r.Busy is null ? "" : $"\n\nWhere the node's threads were busy during that campaign (CPU samples of dotnet-trace, `--trace`): {r.Busy.Trim()}")));
        output.WriteLine(table);
        var section = (idsName == "sparse" ? "canvas" : $"canvas-{idsName}") + (store == "postgres" ? "-postgres" : "") + (trace is null ? "" : "-traced");
        BenchmarkDocument.WriteSection(target, section, $"""
            ## Benchmark canvas on a node process{(store == "postgres" ? " on PostgreSQL" : "")}{(idsName == "sparse" ? "" : $", {idsName} ids")}{(trace is null ? "" : ", traced")}

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench canvas --profiles {string.Join(',', sizes)}{(campaigns == 2 ? "" : $" --campaigns {campaigns}")}{(idsName == "sparse" ? "" : $" --ids {idsName}")}{(store == "postgres" ? " --store postgres" : "")}{(trace is null ? "" : $" --trace {trace}")}`

            {BenchmarkDocument.Machine()}

            `bench/bench-canvas.json` (three audiences, union, exclusion, deduplicate by email, split, email, SMS and push
            through the outbox provider{(store == "postgres" ? ", here the cluster's outbox table" : "")}) over generated profiles (seed 1) whose ids are {IdsText(ids)}. Each size gets a
            node process of its own (the Node executable, {(store == "postgres" ? $"a one-node cluster on a fresh, durable PostgreSQL server on this machine sized for it ({TemporaryPostgres.SizedText}), its outbox the cluster's outbox table" : "a fresh SQLite data dir")}), as a user runs one: the profiles are
            imported through `POST /api/profiles/import`, then the canvas is created and published {campaigns} times through
            the gateway, one campaign after the other, each over the whole base; emails are tracked as a node always
            tracks them (each link rewritten to a signed click URL, an open pixel, a one-click unsubscribe URL). Time runs
            from the publish request to the first status that says completed (polled every 25 ms). Peak RSS is the
            node's while the campaign ran (the import's peak is not counted); RSS after, 3 s after it completed (what the
            node keeps between campaigns); CPU, the
            node's user and system time while it ran (two cores: up to twice the wall time), the system part being the
            kernel's work for it, {(store == "postgres" ? "the node's own (the PostgreSQL server's CPU is not counted: it shares the two cores)" : "mostly copying the outbox's lines into the page cache")} (on this virtual machine, memory and
            disk blocks touched for the first time cost several times what they cost on bare metal). A node's first campaign also
            compiles the engine's code (.NET compiles each method quickly first, then again optimized once it has run a
            while); a node pays it once, and its next campaigns show what it does from then on.
            {(store == "postgres" ? "Target: within 1.3x of the same run on SQLite (`bench canvas` without `--store`)." : "Targets: 1M in ≤ 2 s (2nd campaign) and ≤ 3 s (1st) with peak RSS ≤ 1 GiB; 10M in ≤ 20 s and ≤ 25 s, ≤ 1.5 GiB.")}

            {table}

            {details}
            """);
        var results = BenchmarkDocument.WriteResults(target, section, rows.Select(r => new
        {
            profiles = r.Profiles, campaign = r.Campaign, seconds = r.Seconds, messages = r.Messages, peakGiB = r.PeakGiB,
            residentGiB = r.ResidentGiB, cpuSeconds = r.CpuSeconds, kernelSeconds = r.KernelSeconds,
        }));
        output.WriteLine($"written to {target} and {results}");
        return 0;
    }

    /// <summary>The entity run's section: bookings per second, messages, memory, per activity.</summary>
    private static int WriteEntitySection(string target, List<Row> rows, IReadOnlyList<long> sizes, long bookings, int campaigns, string canvasPath,
        TextWriter output)
    {
        var table = string.Join("\n", new[]
        {
            "| profiles | bookings | campaign of the node | publish → completed s | bookings/s | messages sent | node's peak RSS GiB | RSS after GiB | node's CPU s | of which in the kernel s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        }.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Profiles:N0} | {bookings:N0} | {Ordinal(r.Campaign)} | {r.Seconds:F1} | {bookings / r.Seconds:N0} | {r.Messages:N0} | {r.PeakGiB:F2} | {r.ResidentGiB:F2} | {r.CpuSeconds:F1} | {r.KernelSeconds:F1} |"))));
        var details = string.Join("\n\n", rows.Where(r => r.Campaign == campaigns).Select(r =>
            $"{r.Profiles:N0} profiles, {bookings:N0} bookings, {Ordinal(r.Campaign)} campaign, per activity (in → out per port):\n\n{r.Activities}"));
        output.WriteLine(table);
        BenchmarkDocument.WriteSection(target, "canvas-entity", $"""
            ## Entity canvas on a node process: one email per booking

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench canvas --profiles {string.Join(',', sizes)} --bookings {bookings}{(campaigns == 2 ? "" : $" --campaigns {campaigns}")}`

            {BenchmarkDocument.Machine()}

            `{canvasPath}`: every booking gets an email of its own (its hotel, amount and date in it, the profile's first
            name; marketing, so only to profiles with an address and consent), and the bookings are changed to their
            profiles with their count, sum of amounts and latest date, for a second email that names them. Generated
            profiles (seed 1, ids spread with gaps) are imported through `POST /api/profiles/import`; then generated
            bookings (seed 2: ids with gaps, in no order of profile; guests drawn with a skew, the first tenth of the
            profiles booking about a third; one in a thousand linked to a profile the CRM never exported) through
            `POST /api/entities/bookings/import`, both in requests of 250,000 rows, into the node's fresh SQLite data dir.
            The campaign is created and published {campaigns} times through the gateway, one after the other; emails are
            tracked as a node always tracks them. Time runs from the publish request to the first status that says
            completed; peak RSS is the node's while the campaign ran; CPU its user and system time (two cores).

            {table}

            {details}
            """);
        var results = BenchmarkDocument.WriteResults(target, "canvas-entity", rows.Select(r => new
        {
            profiles = r.Profiles, bookings, campaign = r.Campaign, seconds = r.Seconds, messages = r.Messages, peakGiB = r.PeakGiB,
            residentGiB = r.ResidentGiB, cpuSeconds = r.CpuSeconds, kernelSeconds = r.KernelSeconds,
        }));
        output.WriteLine($"written to {target} and {results}");
        return 0;
    }

    private static string IdsText(IdLayout ids) => ids switch
    {
        IdLayout.Dense => "dense (1..N, as no real export has them)",
        IdLayout.Random64 => "random 63-bit numbers in no order",
        _ => "spread with gaps, as a CRM export has them (7i + r, 0 ≤ r < 7)",
    };

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    /// <param name="given">Generated profiles to import (kept); none: generated here, then deleted.</param>
    /// <param name="inspect">Called with the node's data dir and the last campaign's row while the node still runs.</param>
    /// <param name="metrics">Whether the node keeps metrics (it does unless told not to).</param>
    /// <param name="scrapeEvery">How often <c>/metrics</c> is read while the campaigns run, as Prometheus would (none: never).</param>
    public static async Task<List<Row>> MeasureAsync(string canvas, long size, int campaigns, TextWriter output, CancellationToken cancellationToken,
        string? given = null, Func<string, Row, Task>? inspect = null, IdLayout ids = IdLayout.Sparse, string? trace = null, bool postgres = false,
        long bookings = 0, bool metrics = true, TimeSpan? scrapeEvery = null)
    {
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-canvas-").FullName;
        try
        {
            var csv = given ?? Path.Combine(folder, "profiles.csv");
            if (given is null)
                await GenerateCommand.GenerateAsync(csv, size, seed: 1, output, cancellationToken, ids);
            var dataDir = Path.Combine(folder, "node");
            await using var server = postgres ? await TemporaryPostgres.StartAsync(durable: true, TemporaryPostgres.Sized) : null;
            // The node's pool sized as an operator would for one node on a server of 200 connections.
            (string, string)[] settings = server is null ? [] : [("Postgres", new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString) { MaxPoolSize = 100 }.ToString())];
            await using var node = await NodeProcess.StartAsync(dataDir, metrics ? settings : [.. settings, ("Metrics", "false")]);
            using var gateway = new LoadGateway(node.Http.BaseAddress!, null, new ApiLatency());
            await GatewayImport.ImportAsync(gateway, csv, size, output, cancellationToken);
            if (bookings > 0)
            {
                var bookingsCsv = Path.Combine(folder, "bookings.csv");
                await BookingsFile.GenerateAsync(csv, bookingsCsv, bookings, seed: 2, output, cancellationToken);
                await GatewayImport.ImportAsync(gateway, bookingsCsv, bookings, output, cancellationToken, "/api/entities/bookings/import");
                File.Delete(bookingsCsv);
            }
            if (given is null)
                File.Delete(csv);

            var rows = new List<Row>();
            using var scraping = new CancellationTokenSource();
            var scraper = scrapeEvery is { } every ? ScrapeAsync(node, every, scraping.Token) : Task.CompletedTask;
            for (var campaign = 1; campaign <= campaigns; campaign++)
                rows.Add(await RunCampaignAsync(node, gateway, canvas, size, campaign, output, cancellationToken,
                    trace is null ? null : Path.Combine(trace, $"canvas-{size}-{campaign}.nettrace")));
            await scraping.CancelAsync();
            await scraper;
            if (server is not null)
                output.WriteLine($"the node holds {await ConnectionsAsync(server.ConnectionString, cancellationToken)} connections to PostgreSQL: " +
                    "what its pools opened at most (they keep them a few minutes)");
            if (inspect is not null)
                await inspect(dataDir, rows[^1]);
            return rows;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> ConnectionsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Reads the node's <c>/metrics</c> every <paramref name="every"/> until cancelled, as a Prometheus server scrapes it.</summary>
    private static async Task ScrapeAsync(NodeProcess node, TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                using var response = await node.Http.GetAsync("/metrics", cancellationToken);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<Row> RunCampaignAsync(NodeProcess node, LoadGateway gateway, string canvas, long size, int campaign, TextWriter output,
        CancellationToken cancellationToken, string? trace)
    {
        var document = JsonNode.Parse(canvas)!.AsObject();
        document["name"] = $"{document["name"]?.GetValue<string>() ?? "Benchmark canvas"} {campaign}";
        var id = (await gateway.PostAsync("POST /api/campaigns", "/api/campaigns", document.ToJsonString(), cancellationToken)).GetProperty("id").GetString()!;
        await using var tracing = trace is null ? null : await NodeTrace.StartAsync(node.Id, trace);
        node.ResetPeakResident();
        var cpu = node.CpuTimes();
        var clock = Stopwatch.StartNew();
        await gateway.PublishAsync(id, cancellationToken);
        JsonElement status;
        // When the node's memory was highest, to tell which activities held it (sampled with each status).
        var (highest, highestAt) = (0L, 0.0);
        while (true)
        {
            if (node.ResidentBytes() is var rss && rss > highest)
                (highest, highestAt) = (rss, clock.Elapsed.TotalSeconds);
            status = await gateway.GetAsync("GET /api/campaigns/{id}/status", $"/api/campaigns/{id}/status", cancellationToken);
            var state = status.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e ? e.GetProperty("state").GetString() : null;
            if (state == "completed")
                break;
            if (state is "failed" or "stopped")
                throw new InvalidOperationException($"the benchmark campaign {state}: {status}");
            if (clock.Elapsed > TimeSpan.FromMinutes(30))
                throw new TimeoutException($"the benchmark campaign did not complete within 30 minutes: {status}");
            await Task.Delay(25, cancellationToken);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (user, system) = node.CpuTimes();
        var (cpuSeconds, kernelSeconds) = (user + system - cpu.User - cpu.System, system - cpu.System);
        var peak = node.PeakResidentBytes() / (1024.0 * 1024 * 1024);
        // A node gives memory back once it has run nothing for a second: what it keeps is read after that.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var resident = node.ResidentBytes() / (1024.0 * 1024 * 1024);
        var busy = tracing is null ? null : await tracing.StopAsync();
        if (busy is not null)
            output.WriteLine($"trace of the campaign in {trace}; where the node's threads were busy:\n{busy}");

        var execution = status.GetProperty("executions")[0];
        var started = execution.GetProperty("startedAt").GetDateTime();
        var messages = 0L;
        var lines = new List<string>();
        foreach (var activity in execution.GetProperty("activities").EnumerateObject())
        {
            var view = activity.Value;
            var ports = view.GetProperty("out").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt64():N0}").ToList();
            ports.AddRange(view.GetProperty("excluded").EnumerateObject().Select(e => $"excluded as {e.Name} {e.Value.GetInt64():N0}"));
            if (view.GetProperty("feedback").ValueKind == JsonValueKind.Object)
                messages += view.GetProperty("out").GetProperty("out").GetInt64();
            var done = view.TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String
                ? string.Create(CultureInfo.InvariantCulture, $" (done at +{(at.GetDateTime() - started).TotalSeconds:F1} s)") : "";
            lines.Add($"- {activity.Name}: {view.GetProperty("in").GetInt64():N0} → {string.Join(", ", ports)}{done}");
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"- the node's resident memory, sampled with each status, was highest at +{highestAt:F1} s from publish ({highest / (1024.0 * 1024 * 1024):F2} GiB)"));
        var activities = string.Join("\n", lines);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size:N0} profiles, {Ordinal(campaign)} campaign of the node: publish → completed in {seconds:F1} s ({size / seconds:N0} profiles/s), " +
            $"{messages:N0} messages, node's peak RSS {peak:F2} GiB (after: {resident:F2}), CPU {cpuSeconds:F1} s ({kernelSeconds:F1} s in the kernel)"));
        output.WriteLine(activities);
        return new Row(size, campaign, seconds, messages, peak, resident, cpuSeconds, kernelSeconds, activities, status, busy);
    }
}
