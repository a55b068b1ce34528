using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorCampaigns.TestSupport;
using MimeKit;

namespace ActorCampaigns.Node.Tests;

/// <summary>Issue 15: the SMTP relay goes down for a minute in the middle of a send (its port refusing connections), then comes back.</summary>
public sealed class SmtpOutageTests : IAsyncLifetime
{
    private const int Profiles = 3_000;
    private const int BatchSize = 500;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-smtp-outage-").FullName;
    private readonly int _port = LoopbackPorts.Free();
    private readonly List<TestSmtpServer> _relays = [];

    [Fact]
    public async Task A_relay_down_for_a_minute_mid_send_delays_the_emails_and_each_arrives_once_the_retried_ones_counted()
    {
        var before = Relay();
        await using var node = await NodeProcess.StartAsync(_dataDir, ("EmailProvider", "smtp"), ("Smtp__Port", _port.ToString()), ("Smtp__Security", "None"),
            ("BatchSize", BatchSize.ToString()));
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{i},p{i}@example.com,P{i},true\n");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Outage", "activities": [
                { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "throttle": 200,
                  "content": { "from": "Shop <shop@example.com>", "subject": "Hello {{ firstName }}", "html": "<p>Hi {{ firstName }}</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);

        // Slices of 20 leave every tenth of a second (throttle 200/s): the relay goes down inside one of them, in the third
        // batch of 500.
        await Until(() => Task.FromResult(before.Received.Count >= 1_100), TimeSpan.FromSeconds(60), "1,100 emails before the outage");
        await before.DisposeAsync();
        var outageEnds = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < outageEnds)
        {
            var mail = await Mail(node, id);
            Assert.True(mail.GetProperty("state").GetString() == "running" && mail.GetProperty("errors").GetInt64() == 0,
                $"while the relay is down the emails wait: {mail}");
            await Task.Delay(1_000);
        }
        var after = Relay();
        await Until(async () => (await Mail(node, id)).GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(45),
            "the email activity to complete once the relay is back");

        var report = (await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report")).GetProperty("channels")[0];
        var total = report.GetProperty("total");
        Assert.True((total.GetProperty("sent").GetInt64(), total.GetProperty("errors").GetInt64()) == (Profiles, 0L), report.ToString());
        var received = before.Received.Concat(after.Received).Select(Profile).ToList();
        Assert.True(before.Received.Count < Profiles, "the outage came before the last email");
        var twice = received.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var missing = Enumerable.Range(1, Profiles).Select(p => (long)p).Except(received).ToList();
        // SMTP's one window: a relay cut after taking an email but before its "250 OK" reached us gets it again, with the
        // same Message-ID (receivers drop such a repeat). Only the last email of each session can be in that window
        // when the relay goes; any other repeat is a fault.
        var inFlight = before.LastOfEachSession.Values.Select(Profile).ToHashSet();
        Assert.True(twice.All(inFlight.Contains) && missing.Count == 0,
            $"received twice: [{string.Join(", ", twice)}] (in flight at the cut: [{string.Join(", ", inFlight)}]), missing: [{string.Join(", ", missing)}]");
        // Emails of the slice the outage cut could only reach the second relay after failing against the first.
        const int slice = 200 / 10;
        var cut = before.Received.Select(Profile).Max() is var last ? (last - 1) / slice : 0;
        var retried = total.GetProperty("retried").GetInt64();
        Assert.InRange(retried, Math.Max(1, after.Received.Select(Profile).Count(p => (p - 1) / slice == cut)), after.Received.Count);

        // The node's metrics say the same: every email sent once through SMTP, those the outage held deferred (each once,
        // as many as the report's retried at most), none failed; each chunk's call to the relay timed.
        var samples = await ScrapedMetrics.ScrapeAsync(node.Http);
        var smtp = new[] { ("channel", "email"), ("provider", "smtp") };
        Assert.Equal(Profiles, ScrapedMetrics.Value(samples, "actorcampaigns_messages_total", [.. smtp, ("outcome", "sent")]));
        Assert.Equal(0, ScrapedMetrics.Value(samples, "actorcampaigns_messages_total", [.. smtp, ("outcome", "failed")]));
        Assert.InRange(ScrapedMetrics.Value(samples, "actorcampaigns_messages_total", [.. smtp, ("outcome", "deferred")]), 1, retried);
        Assert.True(ScrapedMetrics.Value(samples, "actorcampaigns_provider_duration_seconds_count", smtp) >= Profiles / Engine.Activities.Channel.Delivery.SettledChunk);
    }

    private TestSmtpServer Relay()
    {
        var relay = new TestSmtpServer(_port);
        _relays.Add(relay);
        return relay;
    }

    private static long Profile(MimeMessage message) => long.Parse(message.MessageId!.Split('@')[0].Split('.')[^1]);

    private static async Task<JsonElement> Mail(NodeProcess node, string id) =>
        (await node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {timeout.TotalSeconds} s for {what}");
            await Task.Delay(20);
        }
    }

    // xunit 2 disposes a test class through IAsyncLifetime (IAsyncDisposable is not called).
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var relay in _relays)
            await relay.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
