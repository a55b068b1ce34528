using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>Opens, clicks, unsubscribes and provider feedback against a real Node process, and campaigns that read them back.</summary>
public sealed class TrackingTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-tracking-").FullName;

    private const string Mailing = """
        { "name": "Sale", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "email is not null" },
            { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale, {{ firstName }}",
              "html": "<html><body><p>Hi</p><a href=\"https://shop.example/sale?x=1&amp;y=2\">Sale</a></body></html>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    private static JsonElement Activity(JsonElement status, string activity) => status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity);

    private List<JsonElement> Outbox() =>
        File.ReadAllLines(Path.Combine(_dataDir, "outbox", "email.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    private async Task<Dictionary<string, long>> EventsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")};Pooling=false");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, COUNT(*) FROM feedback_events GROUP BY kind";
        await using var reader = await command.ExecuteReaderAsync();
        var events = new Dictionary<string, long>();
        while (await reader.ReadAsync())
            events[reader.GetString(0)] = reader.GetInt64(1);
        return events;
    }

    [Fact]
    public async Task Opens_clicks_unsubscribes_and_bounces_are_recorded_once_verified_and_campaigns_target_them()
    {
        await SampleProfiles.ImportAsync(_dataDir, 300, seed: 11);
        // The test opens the moment the campaign ends, which only a machine does: no open counts as one for its timing here.
        await using var node = await NodeProcess.StartAsync(_dataDir, ("Tracking__MachineOpenSeconds", "0"));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = node.Http.BaseAddress };
        var sale = await CampaignRuns.RunAsync(node, Mailing);
        var messages = Outbox();
        Assert.True(messages.Count > 10, $"only {messages.Count} messages");
        var (a, b, c) = (messages[0], messages[1], messages[2]);
        var html = a.GetProperty("html").GetString()!;
        var open = TrackedUrls.Open().Match(html).Groups["token"].Value;
        var click = TrackedUrls.Click().Match(html).Groups["token"].Value;
        Assert.StartsWith(node.Http.BaseAddress!.ToString(), a.GetProperty("unsubscribeUrl").GetString());
        Assert.DoesNotContain("shop.example", html);

        for (var i = 0; i < 2; i++)
        {
            using var pixel = await browser.GetAsync($"/t/o/{open}");
            Assert.Equal((HttpStatusCode.OK, "image/gif"), (pixel.StatusCode, pixel.Content.Headers.ContentType?.MediaType));
        }
        using (var clicked = await browser.GetAsync($"/t/c/{click}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
            Assert.Equal("https://shop.example/sale?x=1&y=2", clicked.Headers.Location!.ToString());
        }
        // Forged, altered or misused tokens: 404, nothing recorded.
        var altered = click[..20] + (click[20] == 'A' ? 'B' : 'A') + click[21..];
        foreach (var path in new[] { $"/t/c/{altered}", $"/t/o/{click}", $"/t/c/{open}", "/t/c/AQJrMQEAAAAAAAAAAAAAAAAAAAAAAAAA", "/t/o/x" })
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path)).StatusCode);

        var unsubscribe = a.GetProperty("unsubscribeUrl").GetString()!;
        using (var page = await browser.GetAsync(unsubscribe))
            Assert.Contains("<form method=\"post\">", await page.Content.ReadAsStringAsync());
        var profile = a.GetProperty("profileId").GetInt64();
        Assert.True((await node.Http.GetFromJsonAsync<JsonElement>($"/api/profiles/{profile}")).GetProperty("emailOptIn").GetBoolean());
        using (var done = await browser.PostAsync(unsubscribe, new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")])))
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.False((await node.Http.GetFromJsonAsync<JsonElement>($"/api/profiles/{profile}")).GetProperty("emailOptIn").GetBoolean());

        var (refused, problem) = await node.SendAsync(HttpMethod.Post, "/api/feedback",
            $$"""[ { "messageId": "{{c.GetProperty("messageId")}}", "event": "delivered" }, { "messageId": "x", "event": "opened" }, { "event": "bounced", "at": "soon" } ]""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(["$[1].messageId", "$[1].event", "$[2].messageId", "$[2].at"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        var (accepted, recorded) = await node.SendAsync(HttpMethod.Post, "/api/feedback",
            $$"""[ { "messageId": "{{b.GetProperty("messageId")}}", "event": "bounced", "reason": "mailbox full", "at": "2026-11-28T10:00:00Z" }, { "messageId": "{{c.GetProperty("messageId")}}", "event": "delivered" } ]""");
        Assert.Equal((HttpStatusCode.OK, 2), (accepted, recorded.GetProperty("recorded").GetInt32()));

        Assert.Equal(new Dictionary<string, long> { ["opened"] = 2, ["clicked"] = 1, ["unsubscribed"] = 1, ["bounced"] = 1, ["delivered"] = 1 }, await EventsAsync());

        var report = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{sale}/report");
        var metrics = report.GetProperty("channels")[0].GetProperty("total");
        var targeted = Activity(await node.StatusAsync(sale), "mail").GetProperty("in").GetInt64();
        Assert.True(targeted > messages.Count, "some profiles with an address have no consent");
        Assert.Equal(new long[] { targeted, messages.Count, messages.Count - 1, 1, 2, 1, 1, 1, 1 },
            new[] { "targeted", "sent", "delivered", "bounced", "opened", "uniqueOpened", "clicked", "uniqueClicked", "unsubscribed" }
                .Select(name => metrics.GetProperty(name).GetInt64()));
        Assert.Equal(1.0, metrics.GetProperty("clickToOpenRate").GetDouble());
        Assert.Equal(1, report.GetProperty("channels")[0].GetProperty("bounceReasons").GetProperty("mailbox full").GetInt64());
        Assert.Equal((2L, 1L), report.GetProperty("hourly").EnumerateArray().Aggregate((0L, 0L), (sum, h) => (sum.Item1 + h.GetProperty("opened").GetInt64(), sum.Item2 + h.GetProperty("clicked").GetInt64())));
        using (var csv = await node.Http.GetAsync($"/api/campaigns/{sale}/report?format=csv"))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
            var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
            Assert.StartsWith("activity,channel,execution,targeted,excluded,sent,delivered,bounced,opened,uniqueOpened,clicked,uniqueClicked", lines[0]);
            Assert.Equal($"mail,email,total,{targeted},noConsent={targeted - messages.Count},{messages.Count},{messages.Count - 1},1,2,1,1,1,1,0",
                string.Join(',', lines[^1].Split(',').Take(14)));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await node.SendAsync(HttpMethod.Get, "/api/campaigns/nope/report")).Status);

        // Retargeting reads them: who opened or bounced, who clicked, and the unsubscribed profile is excluded by name.
        var retarget = await CampaignRuns.RunAsync(node, """
            { "name": "Follow-up", "activities": [
                { "id": "reacted", "type": "buildAudience", "filter": "opened('*') or bounced('*', 'P3650D')" },
                { "id": "score", "type": "enrich", "columns": { "opens": "count(opened('*'))" } },
                { "id": "split", "type": "split", "subsets": [ { "name": "clickers", "filter": "clicked('*')" }, { "name": "twice", "filter": "opens >= 2" } ], "complement": true, "allowOverlap": true } ],
              "transitions": [ { "from": "reacted", "to": "score" }, { "from": "score", "to": "split" } ] }
            """, "test");
        var status = await node.StatusAsync(retarget);
        Assert.Equal(2, Activity(status, "reacted").GetProperty("out").GetProperty("out").GetInt64());
        var split = Activity(status, "split").GetProperty("out");
        Assert.Equal((1L, 1L, 1L), (split.GetProperty("clickers").GetInt64(), split.GetProperty("twice").GetInt64(), split.GetProperty("complement").GetInt64()));

        var again = await node.StatusAsync(await CampaignRuns.RunAsync(node, Mailing));
        var mail = Activity(again, "mail");
        Assert.Equal(1, mail.GetProperty("excluded").GetProperty("unsubscribed").GetInt64());
        Assert.Equal(messages.Count - 1, mail.GetProperty("out").GetProperty("out").GetInt64());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
