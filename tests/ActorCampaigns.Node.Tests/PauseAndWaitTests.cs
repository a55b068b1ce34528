using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>Pause and resume of a running campaign, and a wait through a node killed during it, against real Node processes.</summary>
public sealed class PauseAndWaitTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-pause-").FullName;

    private string Outbox => Path.Combine(_dataDir, "outbox", "email.jsonl");

    private int OutboxLines => File.Exists(Outbox) ? File.ReadAllLines(Outbox).Length : 0;

    private static async Task<JsonElement> AwaitAsync(NodeProcess node, string id, Func<JsonElement, bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await node.StatusAsync(id);
            if (condition(status))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"status never met the condition; last: {status}");
            await Task.Delay(25);
        }
    }

    private static JsonElement Activity(JsonElement status, string activity) => status.GetProperty("executions")[0].GetProperty("activities").GetProperty(activity);

    [Fact]
    public async Task Pause_holds_a_running_campaign_at_a_batch_and_resume_sends_the_rest_once()
    {
        await SampleProfiles.ImportAsync(_dataDir, 30_000, seed: 5);
        long withEmail;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "data.db")}"))
        {
            connection.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM profiles WHERE email IS NOT NULL";
            withEmail = Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        SqliteConnection.ClearAllPools();

        await using var node = await NodeProcess.StartAsync(_dataDir, ("BatchSize", "50"));
        var id = await CampaignRuns.PublishAsync(node, """
            { "name": "Paused", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "email is not null" },
                { "id": "mail", "type": "email", "category": "transactional", "content": { "from": "a@example.com", "subject": "Hi {{ firstName }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        await AwaitAsync(node, id, s => Activity(s, "mail") is var mail && mail.GetProperty("state").GetString() == "running"
            && mail.GetProperty("out").GetProperty("out").GetInt64() > 0);

        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/pause")).Status);
        var paused = await AwaitAsync(node, id, s => Activity(s, "mail").GetProperty("state").GetString() != "running");
        Assert.Equal(("paused", "paused"), (paused.GetProperty("status").GetString(), paused.GetProperty("executions")[0].GetProperty("state").GetString()));
        var sent = OutboxLines;
        Assert.InRange(sent, 1, withEmail - 1);
        await Task.Delay(1000);
        Assert.Equal(sent, OutboxLines);

        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
        var done = await AwaitAsync(node, id, s => s.GetProperty("status").GetString() == "completed");
        Assert.Equal(withEmail, Activity(done, "mail").GetProperty("out").GetProperty("out").GetInt64());
        var profiles = File.ReadAllLines(Outbox).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("profileId").GetInt64()).ToList();
        Assert.Equal(withEmail, profiles.Count);
        Assert.Equal(withEmail, profiles.Distinct().Count());
    }

    [Fact]
    public async Task A_wait_holds_its_population_through_a_node_killed_during_it()
    {
        var node = await NodeProcess.StartAsync(_dataDir);
        try
        {
            var csv = "id,email\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => $"{i},p{i}@example.com"));
            Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv")).Status);
            var id = await CampaignRuns.PublishAsync(node, """
                { "name": "Waiting", "activities": [
                    { "id": "all", "type": "buildAudience" }, { "id": "hold", "type": "wait", "duration": "PT4S" },
                    { "id": "mail", "type": "email", "category": "transactional", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
                  "transitions": [ { "from": "all", "to": "hold" }, { "from": "hold", "to": "mail" } ] }
                """);
            var waiting = await AwaitAsync(node, id, s => Activity(s, "hold").GetProperty("state").GetString() == "waiting");
            Assert.Equal("waiting", waiting.GetProperty("executions")[0].GetProperty("state").GetString());
            node.Kill();
            Assert.Equal(0, OutboxLines);

            node = await NodeProcess.StartAsync(_dataDir);
            var done = await AwaitAsync(node, id, s => s.GetProperty("status").GetString() == "completed");
            Assert.Equal((10L, 10L), (Activity(done, "hold").GetProperty("out").GetProperty("out").GetInt64(),
                Activity(done, "mail").GetProperty("out").GetProperty("out").GetInt64()));
            Assert.Equal(10, OutboxLines);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
