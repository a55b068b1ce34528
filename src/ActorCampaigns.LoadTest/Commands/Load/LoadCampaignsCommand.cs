using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data.Samples;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// <c>load campaigns [--gateway URL --data-dir DIR | --postgres CONN] [--campaigns 20] [--profiles 5M] [--ids sparse|dense|random64] [--key K] [--minutes 60]</c>:
/// generates the profiles (ids with gaps by default) and imports them through the gateway, then creates, tests and
/// publishes the campaigns (one slice of the generated ids each, as many profiles in each) through it, follows each
/// over Server-Sent Events, and checks every count against plain SQL over the node's store. Prints progress and a
/// summary; writes docs/benchmarks.md (section load-campaigns) and a JSON file.
/// </summary>
public static class LoadCampaignsCommand
{
    private const int Seed = 1;

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var campaigns = (int)args.Count("campaigns", 20);
        var profiles = args.Count("profiles", 5_000_000);
        var minutes = args.Count("minutes", 60);
        if (campaigns > 200 || profiles > 50_000_000 || minutes > 240)
            throw new UsageException("a load run is bounded: at most --campaigns 200, --profiles 50M, --minutes 240");
        var idsName = args.Text("ids") ?? "sparse";
        var ids = GenerateCommand.Layout(idsName);
        var key = args.Text("key");
        var markdown = args.Text("out") ?? "docs/benchmarks.md";
        var json = args.Text("json") ?? "docs/results/load-campaigns.json";
        await using var target = await LoadTarget.OpenAsync(args, output);
        args.RejectUnknown();

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromMinutes(minutes));
        var latency = new ApiLatency();
        using var gateway = new LoadGateway(target.Gateway, key, latency);
        var slices = LoadCampaign.Slices(campaigns, profiles, new ProfileGenerator(Seed, ids));
        var run = new LoadRun(output);
        try
        {
            run.ImportSeconds = await ImportAsync(gateway, profiles, ids, output, bounded.Token);
            await RunCampaignsAsync(gateway, slices, run, bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the load run did not end within --minutes {minutes}; it was stopped");
        }
        var failures = await CheckAsync(target, slices, run, output, cancellationToken);
        Report(run, latency, slices, profiles, idsName, markdown, json, output);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<double> ImportAsync(LoadGateway gateway, long profiles, IdLayout ids, TextWriter output, CancellationToken cancel)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"actorcampaigns-load-{Guid.NewGuid():N}.csv");
        try
        {
            await GenerateCommand.GenerateAsync(csv, profiles, Seed, output, cancel, ids);
            return await GatewayImport.ImportAsync(gateway, csv, profiles, output, cancel);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    private static async Task RunCampaignsAsync(LoadGateway gateway, IReadOnlyList<LoadCampaign> slices, LoadRun run, CancellationToken cancel)
    {
        foreach (var slice in slices)
            slice.Id = (await gateway.PostAsync("POST /api/campaigns", "/api/campaigns", slice.Document, cancel)).GetProperty("id").GetString()!;

        // Test mode first, all at once: the counts come, nothing is sent.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(slices.Select(async s =>
        {
            await gateway.PostAsync("POST /api/campaigns/{id}/test", $"/api/campaigns/{s.Id}/test", null, cancel);
            await gateway.FollowAsync(s.Id, status => Ended(status, "test"), status => run.Seen(s.Id, status), cancel);
        }));
        run.TestSeconds = clock.Elapsed.TotalSeconds;

        // Then live, all at once: time from the first publish to the last completion, and each campaign's own.
        clock.Restart();
        await Task.WhenAll(slices.Select(async s =>
        {
            var own = Stopwatch.StartNew();
            await gateway.PublishAsync(s.Id, cancel);
            var final = await gateway.FollowAsync(s.Id, status => Ended(status, "live"), status => run.Seen(s.Id, status), cancel);
            run.Completed(s.Id, final, own.Elapsed.TotalSeconds);
        }));
        run.LiveSeconds = clock.Elapsed.TotalSeconds;
        run.Done();
        foreach (var slice in slices)
            await gateway.GetAsync("GET /api/campaigns/{id}/status", $"/api/campaigns/{slice.Id}/status", cancel);
    }

    private static bool Ended(JsonElement status, string mode) =>
        status.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } latest
        && latest.GetProperty("mode").GetString() == mode
        && latest.GetProperty("state").GetString() is "completed" or "failed" or "stopped";

    /// <summary>Each campaign's counts, as status gave them and as the ledger recorded them, against plain SQL over the profiles.</summary>
    private static async Task<int> CheckAsync(LoadTarget target, IReadOnlyList<LoadCampaign> slices, LoadRun run, TextWriter output, CancellationToken cancel)
    {
        var failures = 0;
        foreach (var slice in slices)
        {
            var status = run.Final[slice.Id];
            var execution = status.GetProperty("executions")[0];
            var (inSlice, mail, text) = await slice.ExpectedAsync(target.Database, cancel);
            var recorded = await LoadCampaign.RecordedAsync(target.Database, slice.Id, execution.GetProperty("id").GetString()!, cancel);
            var found = (execution.GetProperty("state").GetString(), LoadCampaign.Out(status, "slice"), LoadCampaign.Out(status, "mail"), LoadCampaign.Out(status, "text"),
                recorded.GetValueOrDefault("mail"), recorded.GetValueOrDefault("text"));
            if (found != ("completed", inSlice, mail, text, mail, text))
            {
                failures++;
                output.WriteLine($"MISMATCH {slice.Id} (ids > {slice.After:N0} and ≤ {slice.Through:N0}): status {found.Item1}, slice {found.Item2:N0}/{inSlice:N0}, " +
                    $"mail {found.Item3:N0}/{mail:N0} (ledger {found.Item5:N0}), text {found.Item4:N0}/{text:N0} (ledger {found.Item6:N0})");
            }
            run.Expected[slice.Id] = (inSlice, mail + text);
        }
        output.WriteLine(failures == 0
            ? $"checked against plain SQL: all {slices.Count} campaigns exact (profiles in slice, emails and SMS in status and in the ledger's sends)"
            : $"checked against plain SQL: {failures} of {slices.Count} campaigns differ");
        run.Exact = failures == 0;
        return failures;
    }

    private static void Report(LoadRun run, ApiLatency latency, IReadOnlyList<LoadCampaign> slices, long profiles, string ids, string markdown, string json,
        TextWriter output)
    {
        var campaigns = slices.Count;
        var messages = run.Expected.Values.Sum(e => e.Messages);
        var perCampaign = run.Seconds.Values.Order().ToList();
        var summary = new StringBuilder()
            .AppendLine("| campaigns | profiles | import s | test (all) s | publish → all completed s | profiles/s | messages | slowest campaign s | counts vs SQL |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
            .AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {campaigns} | {profiles:N0} | {run.ImportSeconds:F1} | {run.TestSeconds:F1} | {run.LiveSeconds:F1} | {profiles / run.LiveSeconds:N0} | {messages:N0} | {perCampaign.Max():F1} | {(run.Exact ? "exact" : "DIFFER")} |"));
        var calls = new StringBuilder()
            .AppendLine("| gateway call | count | p50 ms | p90 ms | p99 ms | max ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (call, count, p50, p90, p99, max) in latency.Summary())
            calls.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{call}` | {count:N0} | {p50:F1} | {p90:F1} | {p99:F1} | {max:F1} |"));
        output.WriteLine(summary);
        output.WriteLine(calls);
        BenchmarkDocument.WriteSection(markdown, "load-campaigns", $"""
            ## Load: campaigns through the gateway

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- load campaigns --campaigns {campaigns} --profiles {profiles}{(ids == "sparse" ? "" : $" --ids {ids}")}`

            {BenchmarkDocument.Machine()}

            A node process on a fresh SQLite data dir (or the node at `--gateway`). Generated profiles (seed {Seed}, {ids} ids) are
            imported through `POST /api/profiles/import` in requests of {GatewayImport.Rows:N0} rows; then {campaigns} campaigns, each
            over its own slice of ids (bounded by the generated ids' quantiles, so each holds as many profiles; split by
            consent into an email and an SMS), are created, tested (all at once, followed over Server-Sent Events to
            completion) and published (all at once, followed to completion). Afterwards each campaign's
            counts (profiles in its slice, emails, SMS) are compared with plain SQL over the node's profiles, both as status
            reports them and as the ledger recorded the messages sent (`sends`). Latencies are HdrHistogram distributions of
            every gateway call the run made.

            {summary}
            {calls}
            """);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            ranAt = DateTime.UtcNow,
            machine = BenchmarkDocument.Machine(),
            campaigns,
            profiles,
            ids,
            profilesPerCampaign = slices.Select(s => run.Expected[s.Id].Slice),
            importSeconds = run.ImportSeconds,
            testSeconds = run.TestSeconds,
            liveSeconds = run.LiveSeconds,
            messages,
            exact = run.Exact,
            campaignSeconds = run.Seconds,
            latency = latency.Summary().Select(l => new { call = l.Call, count = l.Count, p50 = l.P50, p90 = l.P90, p99 = l.P99, max = l.Max }),
        }, new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine($"written to {markdown} and {json}");
    }

    /// <summary>What a run saw as it went: the latest status of each campaign, shown as a progress line.</summary>
    private sealed class LoadRun(TextWriter output)
    {
        private readonly ConcurrentDictionary<string, JsonElement> _latest = new();
        private readonly ProgressLine _progress = new(output);
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public double ImportSeconds { get; set; }
        public double TestSeconds { get; set; }
        public double LiveSeconds { get; set; }
        public bool Exact { get; set; }
        public ConcurrentDictionary<string, JsonElement> Final { get; } = new();
        public ConcurrentDictionary<string, double> Seconds { get; } = new();
        public ConcurrentDictionary<string, (long Slice, long Messages)> Expected { get; } = new();

        public void Seen(string campaign, JsonElement status)
        {
            _latest[campaign] = status;
            var states = _latest.Values.Select(s => s.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e
                ? $"{e.GetProperty("mode").GetString()} {e.GetProperty("state").GetString()}" : "draft");
            var sent = _latest.Values.Sum(s => s.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e
                && e.GetProperty("mode").GetString() == "live" ? LoadCampaign.Out(s, "mail") + LoadCampaign.Out(s, "text") : 0);
            _progress.Report($"{_clock.Elapsed.TotalSeconds:F0} s: " + string.Join(", ", states.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")) + $"; {sent:N0} messages sent");
        }

        public void Completed(string campaign, JsonElement status, double seconds)
        {
            Final[campaign] = status;
            Seconds[campaign] = seconds;
        }

        public void Done() => _progress.Done();
    }
}
