using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>A campaign followed as it runs: status as Server-Sent Events, then its log, from a real Node process.</summary>
public sealed class FeedTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-feed-").FullName;
    private NodeProcess _node = null!;

    // Small batches, so each activity streams hundreds of them, for longer than the 250 ms between publications.
    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir, ("BatchSize", "5"));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private const string Campaign = """
        { "name": "Followed", "activities": [
            { "id": "all", "type": "buildAudience" },
            { "id": "fr", "type": "split", "subsets": [ { "name": "fr", "filter": "country = 'FR'" } ], "complement": true },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } } ],
          "transitions": [ { "from": "all", "to": "fr" }, { "from": "fr", "port": "fr", "to": "mail" } ] }
        """;

    [Fact]
    public async Task Status_streams_as_server_sent_events_while_the_campaign_runs_and_the_log_tells_each_step()
    {
        var csv = "id,email,country,emailOptIn\n" + string.Join("\n", Enumerable.Range(1, 6000).Select(i => $"{i},p{i}@example.com,{(i % 3 == 0 ? "FR" : "DE")},true"));
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv")).Status);
        var (_, created) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", Campaign);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/api/campaigns/c-none/events", CancellationToken.None)).StatusCode);

        using var feed = await _node.Http.GetAsync($"/api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
        Assert.Equal("text/event-stream", feed.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(CancellationToken.None));
        var events = new List<JsonElement>();
        var published = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var status = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            events.Add(status);
            if (!published)
            {
                Assert.Equal("draft", status.GetProperty("status").GetString());
                Assert.Equal(HttpStatusCode.OK, (await _node.PublishAsync(id)).Status);
                published = true;
            }
            else if (status.GetProperty("status").GetString() == "completed")
                break;
        }

        var final = events[^1];
        Assert.Equal(await _node.StatusAsync(id) is var now ? now.GetRawText() : null, final.GetRawText());
        var mail = final.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");
        Assert.Equal((2000, 2000), (mail.GetProperty("in").GetInt32(), mail.GetProperty("out").GetProperty("out").GetInt32()));
        // While it ran, the feed showed activities running with counts that only grew.
        var running = events.SelectMany(e => e.GetProperty("executions").EnumerateArray())
            .SelectMany(x => x.GetProperty("activities").EnumerateObject()).Where(a => a.Value.GetProperty("state").GetString() == "running").ToList();
        Assert.NotEmpty(running);
        var sent = events.Where(e => e.GetProperty("executions").GetArrayLength() > 0)
            .Select(e => e.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail").GetProperty("out").GetProperty("out").GetInt32()).ToList();
        Assert.Equal(sent.Order(), sent);

        var (_, log) = await _node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}/logs");
        var lines = log.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("activity").GetString(), l.GetProperty("message").GetString()!)).ToList();
        Assert.Equal("published", lines[1].Item2);
        Assert.Contains((null, "live execution started"), lines);
        Assert.Contains(("fr", "completed: in 6000, out fr 2000, complement 4000"), lines);
        Assert.Contains(("mail", "completed: in 2000, out out 2000, excluded 0"), lines);
        Assert.Equal((null, "execution completed"), lines[^2]);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, "/api/campaigns/c-none/logs")).Status);

        // A second feed after the first has ended works as the first did (each feed once shut the node's feeds down).
        reader.Dispose();
        feed.Dispose();
        await Task.Delay(5000); // HttpClient drains an unfinished response for a while before it closes the connection
        using var again = await _node.Http.GetAsync($"/api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
        using var againReader = new StreamReader(await again.Content.ReadAsStreamAsync(CancellationToken.None));
        string? first;
        while ((first = await againReader.ReadLineAsync(deadline.Token)) is not null && !first.StartsWith("data: ", StringComparison.Ordinal))
        {
        }
        Assert.Equal(final.GetRawText(), first?["data: ".Length..]);
    }
}
