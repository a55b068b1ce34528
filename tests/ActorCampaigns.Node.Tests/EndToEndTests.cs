using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The whole loop on a real node: emails through SMTP, opens and clicks through the tracking URLs found in the
/// received MIME, bounces posted by the provider, three days of wait on the node's clock, then an SMS through the
/// webhook provider to exactly those who did not open; the report shows these numbers.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-e2e-").FullName;
    private readonly TestSmtpServer _smtp = new();
    private readonly TestWebhookServer _sms = new();

    private static string State(JsonElement status, string activity) =>
        status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity).GetProperty("state").GetString()!;

    private static JsonElement Feedback(JsonElement status, string activity) =>
        status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity).GetProperty("feedback");

    [Fact]
    public async Task Email_opens_clicks_bounces_a_wait_and_an_SMS_to_the_non_openers_with_a_report_of_exactly_those()
    {
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _smtp.Port.ToString()),
            ("Smtp__Security", "None"), ("SmsProvider", "webhook"), ("SmsWebhook__Url", _sms.Url), ("ClockControl", "true"),
            ("Tracking__MachineOpenSeconds", "0")); // the mail client below opens at the send's instant, which only a machine does
        var csv = new StringBuilder("id,email,phone,firstName,emailOptIn,smsOptIn\n");
        for (var i = 1; i <= 1000; i++)
            csv.Append($"{i},p{i}@example.com,+336{i:00000000},P{i},true,true\n");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Spring sale", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Spring sale, {{ firstName }}",
                  "html": "<html><body><p>Hi {{ firstName }}</p><a href=\"https://shop.example/spring\">Shop</a></body></html>" } },
                { "id": "later", "type": "wait", "duration": "P3D" },
                { "id": "reacted", "type": "split", "subsets": [ { "name": "openers", "filter": "opened('mail')" } ], "complement": true },
                { "id": "text", "type": "sms", "content": { "text": "{{ firstName }}, the spring sale ends soon" } } ],
              "transitions": [ { "from": "all", "to": "mail" }, { "from": "mail", "to": "later" }, { "from": "later", "to": "reacted" },
                               { "from": "reacted", "port": "complement", "to": "text" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);
        await CampaignRuns.AwaitAsync(node, id, s => State(s, "later") == "waiting", "the wait");
        Assert.Equal(1000, _smtp.Received.Count);

        var messages = _smtp.Received.OrderBy(m => int.Parse(m.To.Mailboxes.Single().Address[1..].Split('@')[0])).ToList();
        using var mailClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var message in messages.Take(300))
            Assert.Equal(HttpStatusCode.OK, (await mailClient.GetAsync(TrackedUrls.Open().Match(message.HtmlBody!).Value)).StatusCode);
        foreach (var message in messages.Take(100))
            Assert.Equal(HttpStatusCode.Redirect, (await mailClient.GetAsync(TrackedUrls.Click().Match(message.HtmlBody!).Value)).StatusCode);
        var bounces = messages.Skip(980).Select(m => new { messageId = m.MessageId!.Split('@')[0], @event = "bounced", reason = "mailbox unknown" });
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/feedback", JsonSerializer.Serialize(bounces))).Status);
        Assert.Empty(_sms.Received);
        // The campaign's live counters follow the feedback as it is recorded: status is the campaign actor's own view.
        var live = await CampaignRuns.AwaitAsync(node, id, s => Feedback(s, "mail").TryGetProperty("bounced", out var bounced) && bounced.GetInt64() == 20, "20 bounces");
        Assert.Equal((300L, 100L), (Feedback(live, "mail").GetProperty("opened").GetInt64(), Feedback(live, "mail").GetProperty("clicked").GetInt64()));

        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P3DT1M")).Status);
        await CampaignRuns.AwaitAsync(node, id, s => s.GetProperty("executions")[0].GetProperty("state").GetString() == "completed", "the execution to complete");

        var texted = _sms.Accepted.Select(r => r.Body.GetProperty("profileId").GetInt64()).Order().ToList();
        Assert.Equal(Enumerable.Range(301, 700).Select(i => (long)i), texted);
        Assert.Equal("P301, the spring sale ends soon", _sms.Accepted.Single(r => r.Body.GetProperty("profileId").GetInt64() == 301).Body.GetProperty("text").GetString());

        var report = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report");
        var mail = report.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("activity").GetString() == "mail").GetProperty("total");
        Assert.Equal(new long[] { 1000, 1000, 980, 20, 300, 300, 100, 100, 0, 0 },
            new[] { "targeted", "sent", "delivered", "bounced", "opened", "uniqueOpened", "clicked", "uniqueClicked", "unsubscribed", "errors" }
                .Select(name => mail.GetProperty(name).GetInt64()));
        Assert.Equal((0.98, Math.Round(300 / 980.0, 4), Math.Round(100 / 980.0, 4), Math.Round(100 / 300.0, 4)),
            (mail.GetProperty("deliveryRate").GetDouble(), mail.GetProperty("openRate").GetDouble(), mail.GetProperty("clickRate").GetDouble(),
             mail.GetProperty("clickToOpenRate").GetDouble()));
        var text = report.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("activity").GetString() == "text").GetProperty("total");
        Assert.Equal((700L, 700L), (text.GetProperty("targeted").GetInt64(), text.GetProperty("sent").GetInt64()));
        Assert.Equal((300L, 100L), report.GetProperty("hourly").EnumerateArray().Aggregate((0L, 0L),
            (sum, h) => (sum.Item1 + h.GetProperty("opened").GetInt64(), sum.Item2 + h.GetProperty("clicked").GetInt64())));
    }

    // xunit 2 disposes a test class through IAsyncLifetime (IAsyncDisposable is not called).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        _sms.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
