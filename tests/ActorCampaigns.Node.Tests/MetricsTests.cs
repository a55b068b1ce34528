using System.Net;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A node's <c>/metrics</c> scraped while a campaign runs and after it, against the campaign's own figures: executions
/// running, profiles per activity kind, messages per channel, provider and outcome, the ledger's and the provider's
/// latencies, worktable bytes, tracking and feedback events, cluster members; and the endpoint guarded as /operator is.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-metrics-").FullName;

    private const string Mailing = """
        { "name": "Metered", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "email is not null" },
            { "id": "mail", "type": "email", "throttle": 1000, "content": { "from": "shop@example.com", "subject": "Sale, {{ firstName }}",
              "html": "<html><body><p>Hi</p><a href=\"https://shop.example/sale\">Sale</a></body></html>" } },
            { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "mail" }, { "from": "mail", "to": "done" }, { "from": "mail", "port": "excluded", "to": "done" } ] }
        """;

    [Fact]
    public async Task Metrics_scraped_during_and_after_a_campaign_agree_with_its_own_counts()
    {
        await SampleProfiles.ImportAsync(_dataDir, 3_000, seed: 5);
        await using var node = await NodeProcess.StartAsync(_dataDir, ("Tracking__MachineOpenSeconds", "0"));
        var campaign = await CampaignRuns.PublishAsync(node, Mailing);

        // While it sends (a thousand a second), the node says an execution runs.
        var seenRunning = false;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await node.StatusAsync(campaign)).GetProperty("executions") is var executions
            && (executions.GetArrayLength() == 0 || executions[0].GetProperty("state").GetString() != "completed"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"campaign {campaign} did not complete: {await node.StatusAsync(campaign)}");
            seenRunning |= ScrapedMetrics.Value(await ScrapedMetrics.ScrapeAsync(node.Http), "actorcampaigns_executions_running") == 1;
            await Task.Delay(50);
        }
        Assert.True(seenRunning, "no scrape saw the execution running");

        var status = await node.StatusAsync(campaign);
        var activities = status.GetProperty("executions")[0].GetProperty("activities");
        long Out(string activity, string port) => activities.GetProperty(activity).GetProperty("out").GetProperty(port).GetInt64();
        var report = (await node.SendAsync(HttpMethod.Get, $"/api/campaigns/{campaign}/report")).Body;
        var sent = report.GetProperty("total").GetProperty("sent").GetInt64();
        Assert.True(sent > 2_000, $"{sent} sent");

        // Opens of five messages, and ten delivered as a provider reports them.
        var outbox = File.ReadAllLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        using var browser = new HttpClient { BaseAddress = node.Http.BaseAddress };
        foreach (var message in outbox.Take(5))
        {
            var open = TrackedUrls.Open().Match(message.GetProperty("html").GetString()!).Groups["token"].Value;
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/t/o/{open}")).StatusCode);
        }
        var delivered = JsonSerializer.Serialize(outbox.Take(10).Select(m => new { messageId = m.GetProperty("messageId").GetString(), @event = "delivered" }));
        Assert.Equal(10, (await node.SendAsync(HttpMethod.Post, "/api/feedback", delivered)).Body.GetProperty("recorded").GetInt32());

        var samples = await ScrapedMetrics.ScrapeAsync(node.Http);
        var email = ("channel", "email");
        Assert.Equal(sent, ScrapedMetrics.Value(samples, "actorcampaigns_messages_total", email, ("provider", "outbox"), ("outcome", "sent")));
        Assert.Equal(0, ScrapedMetrics.Value(samples, "actorcampaigns_messages_total", ("outcome", "failed")));
        Assert.Equal(Out("all", "out"), ScrapedMetrics.Value(samples, "actorcampaigns_activity_profiles_total", ("activity_kind", "buildAudience")));
        Assert.Equal(Out("mail", "out") + Out("mail", "excluded"), ScrapedMetrics.Value(samples, "actorcampaigns_activity_profiles_total", ("activity_kind", "email")));
        Assert.Equal(outbox.Count, (long)sent);
        // Every batch claimed once and written to the outbox in one call, each timed.
        var batches = ScrapedMetrics.Value(samples, "actorcampaigns_ledger_claim_duration_seconds_count");
        Assert.True(batches >= Math.Ceiling(sent / 10_000.0), $"{batches} claims");
        Assert.Equal(batches, ScrapedMetrics.Value(samples, "actorcampaigns_provider_duration_seconds_count", email, ("provider", "outbox")));
        Assert.True(ScrapedMetrics.Value(samples, "actorcampaigns_worktable_written_bytes_total") > 0);
        // Durations in seconds, bucketed as such: a claim on the node's SQLite takes well under a second.
        Assert.Equal(batches, ScrapedMetrics.Value(samples, "actorcampaigns_ledger_claim_duration_seconds_bucket", ("le", "1")));
        Assert.Contains(samples, s => s.Name == "actorcampaigns_ledger_claim_duration_seconds_bucket" && s.Labels["le"] == "0.005");
        Assert.Equal(5, ScrapedMetrics.Value(samples, "actorcampaigns_tracking_events_total", ("event", "open")));
        Assert.Equal(10, ScrapedMetrics.Value(samples, "actorcampaigns_feedback_events_total", ("event", "delivered")));
        Assert.Equal(0, ScrapedMetrics.Value(samples, "actorcampaigns_executions_running"));
        Assert.Equal(0, ScrapedMetrics.Value(samples, "actorcampaigns_executions_waiting"));
        Assert.Equal(1, ScrapedMetrics.Value(samples, "actorcampaigns_cluster_members", ("status", "up")));
        Assert.Equal(0, ScrapedMetrics.Value(samples, "actorcampaigns_cluster_unreachable"));
        Assert.Contains(samples, s => s.Name == "actorcampaigns_campaign_mailbox_size");
        // The campaign's actor, on its shard, as the region says (looked up every few seconds).
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (ScrapedMetrics.Value(samples, "actorcampaigns_sharding_entities") < 1 || ScrapedMetrics.Value(samples, "actorcampaigns_sharding_shards") < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "no shard or campaign actor counted");
            await Task.Delay(200);
            samples = await ScrapedMetrics.ScrapeAsync(node.Http);
        }
        // ASP.NET Core's and the runtime's own, beside ours.
        Assert.Contains(samples, s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_need_an_operator_key_when_the_node_has_some()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("OperatorKeys__0", "ops-secret"));
        using var anonymous = await node.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, ScrapedMetrics.Value(await ScrapedMetrics.ScrapeAsync(node.Http, "ops-secret"), "actorcampaigns_cluster_members", ("status", "up")));
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
