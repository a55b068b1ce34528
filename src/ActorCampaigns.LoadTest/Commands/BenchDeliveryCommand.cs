using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Smtp;
using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.LoadTest.Commands.Load;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// <c>bench delivery [--messages 20000] [--events 100000]</c>: emails through SMTP as a campaign sends them (claimed
/// and settled one by one in the ledger, tracked html) to a local SMTP server; then opens and clicks posted to a real
/// node process on loopback, every event looked for in its store afterwards.
/// </summary>
public static class BenchDeliveryCommand
{
    /// <summary>Tracking requests in flight: one per kept-alive connection.</summary>
    private const int Connections = 256;

    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var messages = (int)Math.Min(args.Count("messages", 20_000), 1_000_000);
        var events = (int)Math.Min(args.Count("events", 100_000), 10_000_000);
        var target = args.Text("out") ?? "docs/benchmarks.md";
        args.RejectUnknown();
        var key = RandomNumberGenerator.GetBytes(32);
        var tokens = new TrackingTokens(new Dictionary<string, byte[]> { ["bench"] = key }, "bench", TimeSpan.FromDays(30), TimeProvider.System);
        var (smtpSeconds, smtpReceived) = await SmtpAsync(messages, tokens, output, cancellationToken);
        var (trackingSeconds, stored) = await TrackingAsync(events, key, tokens, output, cancellationToken);

        var table = string.Create(CultureInfo.InvariantCulture, $"""
            | benchmark | count | seconds | per second | checked |
            |---|---:|---:|---:|---|
            | SMTP delivery (8 connections, ledger claims, tracked html) | {messages:N0} messages | {smtpSeconds:F1} | {messages / smtpSeconds:N0} | {smtpReceived:N0} received by the server |
            | tracking ingestion (opens 80 %, clicks 20 %, {Connections} connections) | {events:N0} events | {trackingSeconds:F1} | {events / trackingSeconds:N0} | {stored:N0} found in feedback_events |
            """);
        output.WriteLine(table);
        BenchmarkDocument.WriteSection(target, "delivery", $"""
            ## Delivery and tracking

            Command: `dotnet run -c Release --project src/ActorCampaigns.LoadTest -- bench delivery{(messages == 20_000 ? "" : $" --messages {messages}")}{(events == 100_000 ? "" : $" --events {events}")}`

            {BenchmarkDocument.Machine()}

            SMTP: emails rendered with tracked html (links, pixel, unsubscribe headers) go through the engine's `Delivery` as a
            campaign sends them, batches of 1,000: each message claimed in the SQLite ledger, sent by MailKit over 8 pooled
            connections to a local SMTP server (the SmtpServer package, in the benchmark's process, taking each message
            whole), then settled 32 at a time. Tracking: a node process on loopback (its tracking key given to the benchmark) gets opens
            and clicks with real signed tokens, after an untimed warm-up of {WarmUpEvents:N0} (the node compiles its code). The node
            answers a hit once it is queued for the next group commit, so the time runs until the rows of `feedback_events`
            in its data dir hold every event. Targets: SMTP ≥ 2,000 messages/s; tracking ≥ 20,000 events/s, every event stored.

            {table}

            SMTP runs without ESMTP pipelining (the default, `Smtp:Pipelining`): the local server writes its pipelined
            replies apart without TCP_NODELAY, and each message then waited some 40 ms for a delayed ACK (180 messages/s).
            Tracking: the load generator shares the two cores with the node; it keeps {Connections} connections alive and sends
            bare HTTP/1.1 GETs on them (HttpClient cost as much CPU per request as the node's work). The node verifies
            each token (HMAC) and queues the event for a group-committed SQLite batch (a multi-row insert per few hundred).
            The warm-up matters: a node's first tens of thousands of requests run while tiered PGO instruments and
            recompiles its code. Measured from the first request (warm-up of 10,000), runs gave 17,600-22,400 events/s;
            with the PGO off (`DOTNET_TieredPGO=0`) 24,000-27,000 from the start; after 50,000, ten runs gave
            19,600-25,800 (median about 23,000): the two cores are shared with the load generator, and runs vary.
            """);
        output.WriteLine($"written to {target}");
        return smtpReceived == messages && stored == events ? 0 : 1;
    }

    private static async Task<(double Seconds, long Received)> SmtpAsync(int count, TrackingTokens tokens, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-smtp-").FullName;
        try
        {
            await using var sink = new SmtpSink();
            await using var smtp = new SmtpProvider(new SmtpOptions { Port = sink.Port, Security = "None", Connections = 8 });
            var ledger = new Ledger(new SqliteDatabase(Path.Combine(folder, "data.db")));
            await ledger.InitializeAsync(cancellationToken);
            var delivery = new Delivery(ledger, new Channels.Outbox.OutboxProvider(Path.Combine(folder, "outbox")),
                new Dictionary<string, IMessageSender> { ["email"] = smtp }, TimeProvider.System);
            var tracking = new LinkTracking(new Uri("http://127.0.0.1:5080"), tokens);
            var clock = Stopwatch.StartNew();
            var progress = new ProgressLine(output);
            for (var batch = 0; batch * 1000 < count; batch++)
            {
                var messages = Enumerable.Range(batch * 1000 + 1, Math.Min(1000, count - batch * 1000)).Select(profile => tracking.TrackEmail(
                    new OutboundMessage(OutboundMessage.IdFor("bench", "e-1", "mail", profile), "bench", "e-1", "mail", profile, $"p{profile}@example.com",
                    [
                        KeyValuePair.Create("from", "news@example.com"), KeyValuePair.Create("subject", $"Hello P{profile}"),
                        KeyValuePair.Create("html", $"<html><body><p>Hi P{profile}</p><a href=\"https://example.com/offer\">Offer</a></body></html>"),
                    ]))).ToList();
                var (sent, email) = (new DeliveryBatch("bench", "e-1", "mail", batch), new Sending("email", MessageCategory.Marketing));
                var outcome = await delivery.SendAsync(sent, email, messages, cancellationToken);
                await delivery.MarkSentAsync(sent, email, outcome, cancellationToken);
                if (outcome.Failed.Count > 0)
                    throw new InvalidOperationException($"the SMTP server refused {outcome.Failed.Count} messages: {outcome.Failed.Values.First()}");
                progress.Report($"SMTP: {sink.Received:N0} of {count:N0} messages received ({sink.Received / clock.Elapsed.TotalSeconds:N0}/s)");
            }
            var seconds = clock.Elapsed.TotalSeconds;
            progress.Done();
            return (seconds, sink.Received);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private const int WarmUpEvents = 50_000;

    private static async Task<(double Seconds, long Stored)> TrackingAsync(int count, byte[] key, TrackingTokens tokens, TextWriter output,
        CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-tracking-").FullName;
        try
        {
            long stored;
            double seconds;
            await using (var node = await NodeProcess.StartAsync(folder, ("Tracking__Keys__bench", Convert.ToBase64String(key))))
            {
                string Url(int profile) => profile % 5 == 0
                    ? $"/t/c/{tokens.Issue("bench", "e-1", "mail", profile, TrackingPurpose.Link, "https://example.com/offer")}"
                    : $"/t/o/{tokens.Issue("bench", "e-1", "mail", profile, TrackingPurpose.Message)}";
                async Task HitAsync(string[] urls, string what)
                {
                    var (next, failed) = (0, 0);
                    var clock = Stopwatch.StartNew();
                    var progress = new ProgressLine(output);
                    await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
                    {
                        using var http = await KeepAliveGetClient.ConnectAsync(node.Http.BaseAddress!, cancellationToken);
                        int i;
                        while ((i = Interlocked.Increment(ref next) - 1) < urls.Length)
                        {
                            if (await http.GetAsync(urls[i], cancellationToken) is not (200 or 302))
                                Interlocked.Increment(ref failed);
                            if (i % 10_000 == 0)
                                progress.Report($"{what}: {i:N0} of {urls.Length:N0} events ({i / clock.Elapsed.TotalSeconds:N0}/s)");
                        }
                    }));
                    progress.Done();
                    if (failed > 0)
                        throw new InvalidOperationException($"{failed} tracking requests failed");
                }
                async Task<long> CommittedAsync(long expected)
                {
                    var deadline = DateTime.UtcNow.AddSeconds(60);
                    long found;
                    while ((found = await TrackedUrls.RecordedAsync(new SqliteDatabase(Path.Combine(folder, "data.db")), cancellationToken)) < expected && DateTime.UtcNow < deadline)
                        await Task.Delay(10, cancellationToken);
                    return found;
                }
                // The node's first requests compile its code: a warm-up of other profiles goes first, untimed.
                await HitAsync(Enumerable.Range(count + 1, WarmUpEvents).Select(Url).ToArray(), "tracking warm-up");
                await CommittedAsync(WarmUpEvents);
                var timed = Enumerable.Range(1, count).Select(Url).ToArray();
                var started = Stopwatch.StartNew();
                await HitAsync(timed, "tracking");
                // The node answers a hit once it is queued: the time runs until every event is committed.
                stored = await CommittedAsync(WarmUpEvents + count) - WarmUpEvents;
                seconds = started.Elapsed.TotalSeconds;
            }
            return (seconds, stored);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
