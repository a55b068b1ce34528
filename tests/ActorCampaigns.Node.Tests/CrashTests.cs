using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The node is killed with SIGKILL in the middle of a 200,000-profile campaign and started again on the same data
/// dir: the campaign completes with the counts of an uninterrupted run, and no profile gets a message twice.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-crash-").FullName;

    private const string Canvas = """
        {
          "name": "Crash", "schedule": { "type": "asap" },
          "activities": [
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn or smsOptIn" },
            { "id": "dedup", "type": "deduplicate", "keys": ["email"], "method": "lowest", "by": "id" },
            { "id": "split", "type": "split", "complement": true, "subsets": [
                { "name": "control", "limit": { "percent": 5 }, "order": "random" },
                { "name": "email", "filter": "emailOptIn and email is not null" },
                { "name": "sms", "filter": "smsOptIn and phone is not null" } ] },
            { "id": "mail", "type": "email", "content": { "from": "news@example.com", "subject": "Hello {{ firstName }}", "html": "<p>{{ lastName }}</p>" } },
            { "id": "text", "type": "sms", "content": { "text": "{{ firstName }}, an offer" } },
            { "id": "end", "type": "end" }
          ],
          "transitions": [
            { "from": "optin", "to": "dedup" }, { "from": "dedup", "to": "split" },
            { "from": "split", "port": "email", "to": "mail" }, { "from": "split", "port": "sms", "to": "text" },
            { "from": "mail", "to": "end" }, { "from": "text", "to": "end" }
          ]
        }
        """;

    private static readonly (string Name, string Value) SmallBatches = ("BatchSize", "2000");

    private static async Task<JsonElement> AwaitCompletedAsync(NodeProcess node, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var status = await node.StatusAsync(id);
            if (status.GetProperty("status").GetString() == "completed")
                return status;
            Assert.NotEqual("failed", status.GetProperty("status").GetString());
            await Task.Delay(100);
        }
        throw new TimeoutException($"campaign {id} did not complete:\n{node.Log}");
    }

    private List<JsonElement> Outbox(string channel, string campaign) =>
        File.ReadAllLines(Path.Combine(_dataDir, "outbox", $"{channel}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == campaign).ToList();

    private int OutboxLines() =>
        new[] { "email", "sms" }.Select(c => Path.Combine(_dataDir, "outbox", $"{c}.jsonl")).Where(File.Exists)
            .Sum(path => File.ReadLines(path).Count());

    [Fact]
    public async Task A_campaign_killed_in_the_middle_completes_after_restart_as_if_never_interrupted()
    {
        await SampleProfiles.ImportAsync(_dataDir, 200_000, seed: 11);
        string crashed;
        await using (var first = await NodeProcess.StartAsync(_dataDir, SmallBatches))
        {
            crashed = await CampaignRuns.PublishAsync(first, Canvas);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (OutboxLines() == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            var before = await first.StatusAsync(crashed);
            first.Kill();
            Assert.True(before.GetProperty("status").GetString() == "live",
                $"the campaign must be killed while live, it was {before.GetProperty("status")}");
            output.WriteLine($"killed with {OutboxLines()} messages in the outbox");
        }

        await using var second = await NodeProcess.StartAsync(_dataDir, SmallBatches);
        var resumed = await AwaitCompletedAsync(second, crashed);
        var uninterrupted = await AwaitCompletedAsync(second, await CampaignRuns.PublishAsync(second, Canvas));

        var activities = resumed.GetProperty("executions")[0].GetProperty("activities");
        var expected = uninterrupted.GetProperty("executions")[0].GetProperty("activities");
        foreach (var activity in expected.EnumerateObject())
        {
            var actual = activities.GetProperty(activity.Name);
            Assert.Equal(activity.Value.GetProperty("in").GetInt64(), actual.GetProperty("in").GetInt64());
            Assert.Equal(activity.Value.GetProperty("out").ToString(), actual.GetProperty("out").ToString());
            Assert.Equal(activity.Value.GetProperty("excluded").ToString(), actual.GetProperty("excluded").ToString());
        }
        foreach (var (channel, activity) in new[] { ("email", "mail"), ("sms", "text") })
        {
            var sent = activities.GetProperty(activity).GetProperty("out").GetProperty("out").GetInt64();
            var messages = Outbox(channel, crashed);
            Assert.True(sent > 10_000, $"{activity} sent only {sent}");
            Assert.Equal(sent, messages.Count);
            Assert.Equal(sent, messages.Select(m => m.GetProperty("profileId").GetInt64()).Distinct().Count());
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
