using System.Net;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>The gateway over real HTTP on loopback, against a real Node process.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-node-").FullName;
    private NodeProcess _node = null!;

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_dataDir, ("MaxRequestBytes", "200000"));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private const string Valid = """
        { "name": "Gateway", "activities": [ { "id": "all", "type": "buildAudience" }, { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "done" } ] }
        """;

    /// <summary>Events of campaign entities; sharding keeps its own rows in the same journal.</summary>
    private long JournalEvents()
    {
        if (!File.Exists(Path.Combine(_dataDir, "journal.db")))
            return 0;
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "journal.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal'";
        if (Convert.ToInt64(command.ExecuteScalar()) == 0)
            return 0;
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'campaign-%'";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Fact]
    public async Task An_invalid_document_gives_400_with_every_error_and_persists_nothing()
    {
        var before = JournalEvents();
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "", "activities": [ { "id": "A", "type": "buildAudience", "filter": "country = 3" }, { "id": "b", "type": "sleep" } ],
              "transitions": [ { "from": "A", "to": "ghost" } ] }
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var paths = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Equal(["$.name", "$.activities[1].type", "$.activities[0].id", "$.transitions[0].to", "$.activities[0].filter"], paths);
        Assert.Equal(before, JournalEvents());
    }

    [Fact]
    public async Task Lifecycle_commands_answer_409_in_the_wrong_state_and_404_for_an_unknown_campaign()
    {
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", Valid);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString();
        Assert.Equal("draft", body.GetProperty("status").GetString());

        var (conflict, problem) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume");
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains("only a paused or failed campaign can be resumed", problem.GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Post, "/api/campaigns/c-none/publish")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.SendAsync(HttpMethod.Get, "/api/campaigns/c-none/status")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/publish")).Status);
    }

    [Fact]
    public async Task An_oversized_body_gives_413()
    {
        var csv = "id,city\n" + string.Join("\n", Enumerable.Range(1, 30_000).Select(i => $"{i},Somewhere"));
        var (status, _) = await _node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv, "text/csv");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }
}
