using System.Net;
using System.Text.Json;
using ActorCampaigns.Data.Samples;
using Microsoft.Data.Sqlite;
using ActorCampaigns.TestSupport;
using Xunit.Abstractions;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The data dir's filesystem fills up (a small tmpfs) during an import and during a campaign: the node answers with a
/// clear error and stays up, nothing it reported accepted is lost, and once space is back the import and the campaign
/// complete, each profile once.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private readonly SmallDisk _disk = new(megabytes: 64);
    private readonly string _work = Directory.CreateTempSubdirectory("actorcampaigns-diskfull-csv-").FullName;

    private string DataDir => _disk.Path;

    private string Outbox => Path.Combine(DataDir, "outbox", "email.jsonl");

    private List<long> ProfileIds(string where)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDir, "data.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM profiles WHERE {where} ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    private static async Task AssertAnswersAsync(NodeProcess node) =>
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/health/ready")).StatusCode);

    [Fact]
    public async Task An_import_that_fills_the_disk_answers_507_keeps_what_it_committed_and_completes_when_imported_again()
    {
        const int profiles = 100_000;
        var csv = Path.Combine(_work, "profiles.csv");
        await using (var file = File.Create(csv))
            await new ProfileGenerator(seed: 3).WriteAsync(file, profiles);
        var text = await File.ReadAllTextAsync(csv);
        await using var node = await NodeProcess.StartAsync(DataDir);
        _disk.Fill(leaveBytes: 8 << 20);

        using var full = await node.Http.PostAsync("/api/profiles/import", new StringContent(text));
        var body = JsonDocument.Parse(await full.Content.ReadAsStringAsync()).RootElement;
        output.WriteLine($"{(int)full.StatusCode}: {body}");
        Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("no space left on the node's disk", body.GetProperty("title").GetString());
        var committed = body.GetProperty("imported").GetInt64();
        Assert.InRange(committed, 1, profiles - 1);
        await AssertAnswersAsync(node);
        var stored = ProfileIds("1 = 1");
        Assert.Equal(committed, stored.Count);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync($"/api/profiles/{stored[^1]}")).StatusCode);

        _disk.GiveBack();
        var (status, again) = await node.SendAsync(HttpMethod.Post, "/api/profiles/import", text, "text/csv");
        output.WriteLine($"{(int)status}: {again}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(committed, again.GetProperty("updated").GetInt64());
        Assert.Equal(profiles - committed, again.GetProperty("imported").GetInt64());
        Assert.Equal(0, again.GetProperty("rejected").GetInt64());
        Assert.Equal(profiles, ProfileIds("1 = 1").Count);
    }

    [Fact]
    public async Task A_campaign_that_fills_the_disk_fails_with_the_reason_and_resume_completes_it_once()
    {
        await SampleProfiles.ImportAsync(DataDir, 20_000, seed: 7);
        File.Delete(Path.Combine(DataDir, "profiles.csv"));
        var targeted = ProfileIds("email IS NOT NULL");
        SqliteConnection.ClearAllPools();
        await using var node = await NodeProcess.StartAsync(DataDir, ("BatchSize", "100"));
        // Throttled to last a few seconds, so the disk fills while the email activity sends.
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Full disk", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "email is not null" },
                { "id": "mail", "type": "email", "category": "transactional", "throttle": 4000,
                  "content": { "from": "a@example.com", "subject": "Hi {{ firstName }}", "html": "<p>Hello {{ firstName }} {{ lastName }}</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);
        var writing = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(Outbox) || new FileInfo(Outbox).Length == 0)
        {
            Assert.True(DateTime.UtcNow < writing, "the campaign wrote nothing to the outbox within 60 s");
            await Task.Delay(10);
        }
        _disk.Fill();
        output.WriteLine($"the disk filled with {File.ReadLines(Outbox).Count()} of {targeted.Count} messages in the outbox");

        var failed = await AwaitAsync(node, id, s => s.GetProperty("status").GetString() == "failed");
        var failure = failed.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail").GetProperty("failure").GetString();
        output.WriteLine(failure);
        Assert.StartsWith("no space left on the node's disk", failure);
        await AssertAnswersAsync(node);
        // Readers of the outbox never meet half a line.
        Assert.All(File.ReadLines(Outbox), line => JsonDocument.Parse(line).Dispose());

        _disk.GiveBack();
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
        var completed = await AwaitAsync(node, id, s => s.GetProperty("status").GetString() == "completed");
        Assert.Equal(targeted.Count, completed.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail")
            .GetProperty("out").GetProperty("out").GetInt64());
        var messages = File.ReadLines(Outbox).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(targeted.Select(profile => $"{id}.e-1.mail.{profile}").Order(StringComparer.Ordinal),
            messages.Order(StringComparer.Ordinal));
    }

    private static async Task<JsonElement> AwaitAsync(NodeProcess node, string id, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            JsonElement status;
            try
            {
                status = await node.StatusAsync(id);
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                // A campaign restarting after its journal failed answers 503 with Retry-After: a client asks again.
                continue;
            }
            if (condition(status))
                return status;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"status never met the condition; last: {status}\n{node.Log}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _disk.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
