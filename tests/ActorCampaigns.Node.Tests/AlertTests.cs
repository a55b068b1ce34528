using System.Net;
using System.Text.Json;
using ActorCampaigns.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>The alert activity on a real Node process: recorded in a test run, sent once when live, its population passed on.</summary>
public sealed class AlertTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-alert-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_dataDir);
        // Profiles 0 and 1 exist: the numbers an alert's targets stand in its message ids for, which must not make them "sent" anything.
        var csv = "id,email,country\n0,zero@example.com,XX\n1,one@example.com,XX\n" + string.Join("\n", Enumerable.Range(1, 12).Select(i => $"{i * 7},p{i}@example.com,{(i % 3 == 0 ? "FR" : "DE")}"));
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv")).Status);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private const string Canvas = """
        { "name": "Watched", "activities": [
            { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
            { "id": "tell", "type": "alert", "webhook": "https://hooks.example.com/ops", "email": "ops@example.com", "note": "French run" },
            { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "fr", "to": "tell" }, { "from": "tell", "to": "done" } ] }
        """;

    private List<JsonElement> Outbox(string channel)
    {
        var path = Path.Combine(_dataDir, "outbox", $"{channel}.jsonl");
        return File.Exists(path) ? File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList() : [];
    }

    private async Task<List<(string? Activity, string Message)>> LogAsync(string id)
    {
        var (_, log) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}/logs");
        return log.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("activity").GetString(), l.GetProperty("message").GetString()!)).ToList();
    }

    [Fact]
    public async Task A_test_run_records_the_alert_and_a_live_run_sends_it_once_to_each_target_while_the_population_passes_on()
    {
        var id = await CampaignRuns.RunAsync(_node, Canvas, "test");
        var tell = (await _node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("activities").GetProperty("tell");
        Assert.Equal((4, 4), (tell.GetProperty("in").GetInt32(), tell.GetProperty("out").GetProperty("out").GetInt32()));
        Assert.Contains(await LogAsync(id), l => l.Activity == "tell" && l.Message.Contains("recorded, not sent (test execution): 4 profile(s) reached 'tell'"));
        Assert.Empty(Outbox("alert"));
        Assert.Empty(Outbox("email"));

        Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(id)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _node.StatusAsync(id)).GetProperty("executions") is var executions
            && (executions.GetArrayLength() < 2 || executions[0].GetProperty("state").GetString() != "completed"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the live run did not complete: {await _node.StatusAsync(id)}");
            await Task.Delay(50);
        }
        var live = (await _node.StatusAsync(id)).GetProperty("executions")[0];
        Assert.Equal(4, live.GetProperty("activities").GetProperty("done").GetProperty("in").GetInt32());
        var execution = live.GetProperty("id").GetString()!;

        var webhook = Assert.Single(Outbox("alert"));
        Assert.Equal(("https://hooks.example.com/ops", "4", id, execution, "tell"), (webhook.GetProperty("to").GetString(), webhook.GetProperty("count").GetString(),
            webhook.GetProperty("campaignId").GetString(), webhook.GetProperty("executionId").GetString(), webhook.GetProperty("activityId").GetString()));
        Assert.EndsWith("French run", webhook.GetProperty("text").GetString());
        var email = Assert.Single(Outbox("email"));
        Assert.Equal(("ops@example.com", "ops@example.com"), (email.GetProperty("to").GetString(), email.GetProperty("from").GetString()));
        Assert.StartsWith("Alert: 4 profile(s) reached 'tell' of 'Watched'", email.GetProperty("subject").GetString());
        Assert.Contains(await LogAsync(id), l => l.Activity == "tell" && l.Message.EndsWith("alert sent to https://hooks.example.com/ops; alert sent to ops@example.com"));
        // No profile of the population counts as sent anything by the alert.
        var sent = await CampaignRuns.RunAsync(_node, """
            { "name": "Sent anything", "activities": [ { "id": "sent", "type": "buildAudience", "filter": "sent('*')" } ], "transitions": [] }
            """, "test");
        Assert.Equal(0, (await _node.StatusAsync(sent)).GetProperty("executions")[0].GetProperty("activities").GetProperty("sent").GetProperty("out").GetProperty("out").GetInt32());
    }

    [Fact]
    public async Task A_complaint_about_an_alert_sent_through_SMTP_changes_nobody_s_consent()
    {
        await using var smtp = new TestSmtpServer();
        var dataDir = Directory.CreateTempSubdirectory("actorcampaigns-alert-smtp-").FullName;
        try
        {
            await using var node = await NodeProcess.StartAsync(dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", smtp.Port.ToString()), ("Smtp__Security", "None"));
            // Profiles 0 and 1: the numbers the alert's targets have in the ledger's claims.
            Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import",
                "id,email,emailOptIn\n0,zero@example.com,true\n1,one@example.com,true\n2,two@example.com,true\n", "text/csv")).Status);
            await CampaignRuns.RunAsync(node, """
                { "name": "Told", "activities": [ { "id": "all", "type": "buildAudience" },
                    { "id": "tell", "type": "alert", "email": "ops@example.com", "webhook": "https://hooks.example.com/ops" } ],
                  "transitions": [ { "from": "all", "to": "tell" } ] }
                """);
            var alert = Assert.Single(smtp.Received);
            Assert.Equal("ops@example.com", alert.To.Mailboxes.Single().Address);
            var complaint = JsonSerializer.Serialize(new[] { new { messageId = alert.MessageId!.Split('@')[0], @event = "complaint" } });
            var (status, answer) = await node.SendAsync(HttpMethod.Post, "/api/feedback", complaint);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((0, 1), (answer.GetProperty("recorded").GetInt32(), answer.GetProperty("unknown").GetInt32()));
            foreach (var profile in new[] { 0, 1 })
            {
                var (_, read) = await node.SendAsync(HttpMethod.Get, $"/api/profiles/{profile}");
                Assert.True(read.GetProperty("emailOptIn").GetBoolean(), read.GetRawText());
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{ "id": "tell", "type": "alert" }""", "$.activities[1]", "needs a webhook, an email, or both")]
    [InlineData("""{ "id": "tell", "type": "alert", "webhook": "javascript:alert(1)" }""", "$.activities[1].webhook", "not an absolute http or https URL")]
    [InlineData("""{ "id": "tell", "type": "alert", "email": "ops@example.com\r\nBcc: all@example.com" }""", "$.activities[1].email", "not an email address")]
    public async Task An_alert_without_a_target_or_with_a_bad_one_is_refused_where_it_is_wrong(string alert, string path, string why)
    {
        var canvas = $$"""
            { "name": "Bad alert", "activities": [ { "id": "all", "type": "buildAudience" }, {{alert}} ],
              "transitions": [ { "from": "all", "to": "tell" } ] }
            """;
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", canvas);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(path, error.GetProperty("path").GetString());
        Assert.Contains(why, error.GetProperty("message").GetString());
    }
}
