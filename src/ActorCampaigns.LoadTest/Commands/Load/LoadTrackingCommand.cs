using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// <c>load tracking [--gateway URL --data-dir DIR | --postgres CONN] [--rate 2000] [--seconds 30] [--connections 16]</c>:
/// opens and clicks (4 to 1) at a steady target rate, with the real tracked URLs of the emails in the node's outbox,
/// then checks that the node recorded every one (plain SQL over feedback_events). Without --gateway it starts a node
/// and sends a campaign first, so the outbox has URLs to hit. Latency runs from when each request was due (a late
/// request counts its wait), so a node that falls behind shows it.
/// </summary>
public static class LoadTrackingCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var rate = args.Count("rate", 2_000);
        var seconds = args.Count("seconds", 30);
        var connections = (int)args.Count("connections", 16);
        if (rate > 50_000 || seconds > 600 || connections > 256)
            throw new UsageException("a load run is bounded: at most --rate 50000, --seconds 600, --connections 256");
        var markdown = args.Text("out") ?? "docs/benchmarks.md";
        var json = args.Text("json") ?? "docs/results/load-tracking.json";
        await using var target = await LoadTarget.OpenAsync(args, output);
        args.RejectUnknown();
        if (target.Started)
            await SendCampaignAsync(target, output, cancellationToken);

        var (opens, clicks) = await TrackedUrls.ReadAsync(target.Database, target.DataDir, 200_000, cancellationToken);
        var before = await TrackedUrls.RecordedAsync(target.Database, cancellationToken);
        var total = rate * seconds;
        string Url(long i) => i % 5 == 4 && clicks.Count > 0 ? clicks[(int)(i / 5 % clicks.Count)] : opens[(int)(i % opens.Count)];

        var latency = new LongConcurrentHistogram(1, TimeSpan.FromMinutes(10).Ticks / 10, 3);
        long next = -1, succeeded = 0, failed = 0;
        var progress = new ProgressLine(output);
        var clock = Stopwatch.StartNew();
        using var reporting = new Timer(_ => progress.Report(
            $"{clock.Elapsed.TotalSeconds:F0} s: {Interlocked.Read(ref succeeded):N0} events sent ({Interlocked.Read(ref succeeded) / Math.Max(0.001, clock.Elapsed.TotalSeconds):N0}/s), {Interlocked.Read(ref failed)} failed"),
            null, 1000, 1000);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var http = await KeepAliveGetClient.ConnectAsync(target.Gateway, cancellationToken);
            long i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                var status = await http.GetAsync(Url(i), cancellationToken);
                latency.RecordValue(Math.Max(1, (clock.Elapsed - due).Ticks / 10));
                Interlocked.Increment(ref status is 200 or 302 ? ref succeeded : ref failed);
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        progress.Done();

        // Opens and clicks are answered once queued: wait for the node to have written them all (or 60 s).
        long recorded;
        var waited = Stopwatch.StartNew();
        while ((recorded = await TrackedUrls.RecordedAsync(target.Database, cancellationToken) - before) < succeeded && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(250, cancellationToken);
        var achieved = succeeded / elapsed;
        var all = recorded == succeeded && failed == 0;
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {rate:N0} | {seconds} | {connections} | {succeeded + failed:N0} | {achieved:N0} | {latency.GetValueAtPercentile(50) / 1000.0:F1} | {latency.GetValueAtPercentile(90) / 1000.0:F1} | " +
            $"{latency.GetValueAtPercentile(99) / 1000.0:F1} | {latency.GetMaxValue() / 1000.0:F1} | {failed:N0} | {recorded:N0} of {succeeded:N0} |");
        var table = $"| target events/s | seconds | connections | events | achieved events/s | p50 ms | p90 ms | p99 ms | max ms | failed | recorded |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n{row}";
        output.WriteLine(table);
        output.WriteLine(all ? $"every event was recorded ({recorded:N0} rows in feedback_events)" : $"NOT every event was recorded: {recorded:N0} of {succeeded:N0}, {failed:N0} failed");
        BenchmarkDocument.WriteSection(markdown, "load-tracking", $"""
            ## Load: tracking at a steady rate

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- load tracking --rate {rate} --seconds {seconds} --connections {connections}`

            {BenchmarkDocument.Machine()}

            Opens and clicks (4 to 1) at a steady target rate over kept-alive connections on loopback, using the tracked URLs
            of emails a campaign sent (read from the node's outbox: {opens.Count:N0} pixels, {clicks.Count:N0} links). Each
            request is due at its place in the schedule; its latency runs from then, so a node that falls behind shows in the
            percentiles. Afterwards `feedback_events` must hold every event answered (plain SQL).

            {table}
            """);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            ranAt = DateTime.UtcNow, machine = BenchmarkDocument.Machine(), rate, seconds, connections, events = succeeded + failed, achieved, failed, recorded,
            p50 = latency.GetValueAtPercentile(50) / 1000.0, p90 = latency.GetValueAtPercentile(90) / 1000.0, p99 = latency.GetValueAtPercentile(99) / 1000.0,
            max = latency.GetMaxValue() / 1000.0,
        }, new JsonSerializerOptions { WriteIndented = true }));
        output.WriteLine($"written to {markdown} and {json}");
        return all ? 0 : 1;
    }

    /// <summary>An empty node gets 20,000 profiles and a campaign emailing those opted in, with a tracked link.</summary>
    private static async Task SendCampaignAsync(LoadTarget target, TextWriter output, CancellationToken cancel)
    {
        using var gateway = new LoadGateway(target.Gateway, null, new ApiLatency());
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= 20_000; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{i},p{i}@example.com,P{i},{i % 4 != 0}\n");
        await gateway.SendAsync("import", HttpMethod.Post, "/api/profiles/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), cancel);
        var created = await gateway.PostAsync("create", "/api/campaigns", """
            { "name": "Tracked", "activities": [ { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
              { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Hi {{ firstName }}",
                "html": "<p>Hi</p><a href=\"https://example.com/offer\">Offer</a>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """, cancel);
        var id = created.GetProperty("id").GetString()!;
        await gateway.PublishAsync(id, cancel);
        await gateway.FollowAsync(id, s => s.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } e
            && e.GetProperty("state").GetString() == "completed", _ => { }, cancel);
        output.WriteLine("sent a campaign of 15,000 tracked emails to have URLs to hit");
    }
}
