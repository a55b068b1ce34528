using System.Data.Common;
using System.Net;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.LoadTest.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Retention on a node process, on SQLite and on PostgreSQL, its clock moved forward (<c>ClockControl</c>) instead of
/// waiting, its cleaner run every second in statements of 2 rows: a completed execution older than kept loses its
/// worktables, outbox rows and raw feedback and its report keeps its figures, a recent one keeps everything, and a
/// campaign's snapshots older than its latest go as it saves the next.
/// </summary>
public abstract class RetentionNodeContract : IAsyncLifetime
{
    protected string DataDir { get; } = Directory.CreateTempSubdirectory("actorcampaigns-retention-node-").FullName;

    private NodeProcess _node = null!;

    private const string Sale = """
        { "name": "Sale", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "email is not null" },
            { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    /// <summary>Settings of the node's store (<c>Postgres</c>), and the database the test reads.</summary>
    protected abstract Task<((string, string)[] Settings, Database Database)> StoreAsync();

    /// <summary>A connection, not yet open, to the journal's database.</summary>
    protected abstract DbConnection JournalConnection();

    /// <summary>The number the journal's database answers to <paramref name="sql"/>.</summary>
    private async Task<long> JournalScalarAsync(string sql)
    {
        await using var connection = JournalConnection();
        await connection.OpenAsync();
        await using var command = Database.Command(connection, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private Database _database = null!;

    public async Task InitializeAsync()
    {
        var (settings, database) = await StoreAsync();
        _database = database;
        _node = await NodeProcess.StartAsync(DataDir, ["--Logging:LogLevel:ActorCampaigns.Node.Retention=Information"],
        [
            .. settings, ("ClockControl", "true"), ("BatchSize", "2"), ("Engine__SnapshotEvery", "3"), ("Retention__Interval", "00:00:01"),
            ("Retention__BatchSize", "2"), ("Retention__Feedback", "5.00:00:00"), ("Retention__Outbox", "5.00:00:00"),
        ]);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,emailOptIn\n" + string.Concat(Enumerable.Range(1, 7).Select(i => $"{i},p{i}@x.io,true\n")), "text/csv")).Status);
    }

    public virtual async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    private Task<string> ReportAsync(string campaign) => _node.Http.GetStringAsync($"/api/campaigns/{campaign}/report");

    private Task AdvanceAsync(string by) => _node.SendAsync(HttpMethod.Post, $"/testing/clock/advance?by={by}");

    /// <summary>The campaigns with worktables, with outbox rows (PostgreSQL) and with feedback events to fold.</summary>
    private async Task<(string[] Worktables, string[] Outbox, string[] Feedback)> HoldingAsync()
    {
        static string[] Campaigns(IEnumerable<(string Campaign, string Execution)> executions) => [.. executions.Select(e => e.Campaign).Distinct().Order()];
        return (Campaigns(await new Worktables(_database).ExecutionsAsync()),
            _database is PostgresDatabase postgres ? Campaigns(await OutboxTable.ExecutionsAsync(postgres)) : [],
            Campaigns(await new FeedbackTotals(_database).ExecutionsAsync()));
    }

    [Fact]
    public async Task A_completed_execution_older_than_kept_loses_its_rows_and_keeps_its_report_and_a_recent_one_keeps_all()
    {
        var old = await CampaignRuns.RunAsync(_node, Sale);
        var execution = (await _node.StatusAsync(old)).GetProperty("executions")[0].GetProperty("id").GetString();
        var (status, _) = await _node.SendAsync(HttpMethod.Post, "/api/feedback", $$"""
            [ { "messageId": "{{old}}.{{execution}}.mail.1", "event": "delivered" }, { "messageId": "{{old}}.{{execution}}.mail.2", "event": "delivered" },
              { "messageId": "{{old}}.{{execution}}.mail.3", "event": "bounced", "reason": "mailbox full" },
              { "messageId": "{{old}}.{{execution}}.mail.4", "event": "complaint" } ]
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var report = await ReportAsync(old);
        Assert.Contains("\"bounced\":1", report);

        await AdvanceAsync("P8D");
        var recent = await CampaignRuns.RunAsync(_node, Sale);
        await _node.SendAsync(HttpMethod.Post, "/api/feedback", $$"""[ { "messageId": "{{recent}}.e-1.mail.1", "event": "delivered" } ]""");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await HoldingAsync()).Worktables.Contains(old) || (await HoldingAsync()).Feedback.Contains(old))
        {
            Assert.True(DateTime.UtcNow < deadline, $"retention left {old}'s rows:\n{_node.Log}");
            await Task.Delay(200);
        }
        var holding = await HoldingAsync();
        Assert.Equal([recent], holding.Worktables);
        Assert.Equal([recent], holding.Feedback);
        Assert.Equal(_database is PostgresDatabase ? [recent] : Array.Empty<string>(), holding.Outbox);
        Assert.Equal(report, await ReportAsync(old));
        // The complaint's unsubscribe stays: later emails exclude the profile as unsubscribed, not merely without consent.
        Assert.Equal(new long[] { 4 }, await new FeedbackStore(_database).UnsubscribedAsync("email"));
        Assert.Contains("retention removed: worktables", _node.Log);
    }

    [Fact]
    public async Task A_campaign_deletes_its_snapshots_older_than_kept_as_it_saves_the_next()
    {
        var (created, body) = await _node.SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Count", "activities": [ { "id": "all", "type": "buildAudience", "filter": "email is not null" } ], "transitions": [] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        var snapshots = $"SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'campaign-{id}'";

        // Created, then 3 events per test run: snapshots at events 3 and 6, kept (a day by default).
        await TestRunsAsync(id, 2);
        // A snapshot is saved after its event, as the campaign goes on: the second may come a moment after the run completes.
        await SnapshotsAsync(snapshots, 2);
        await AdvanceAsync("P2D");
        await TestRunsAsync(id, 2);

        await SnapshotsAsync(snapshots, 1);
        Assert.Equal(4, (await _node.StatusAsync(id)).GetProperty("executions").GetArrayLength());
    }

    private async Task SnapshotsAsync(string count, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await JournalScalarAsync(count) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the campaign keeps {await JournalScalarAsync(count)} snapshots, not {expected}");
            await Task.Delay(200);
        }
    }

    private async Task TestRunsAsync(string id, int runs)
    {
        for (var run = 0; run < runs; run++)
        {
            var (status, body) = await _node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/test");
            Assert.Equal(HttpStatusCode.OK, status);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await _node.StatusAsync(id)).GetProperty("executions")[0] is var latest
                && (latest.GetProperty("id").GetString() != body.GetProperty("execution").GetString() || latest.GetProperty("state").GetString() != "completed"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"test run of {id} did not complete: {latest}");
                await Task.Delay(50);
            }
        }
    }
}

public sealed class SqliteRetentionNodeTests : RetentionNodeContract
{
    protected override Task<((string, string)[] Settings, Database Database)> StoreAsync() =>
        Task.FromResult<((string, string)[], Database)>(([], new SqliteDatabase(Path.Combine(DataDir, "data.db"))));

    protected override DbConnection JournalConnection() => new SqliteConnection($"Data Source={Path.Combine(DataDir, "journal.db")};Pooling=False");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

public sealed class PostgresRetentionNodeTests : RetentionNodeContract
{
    private TemporaryPostgres? _server;

    protected override async Task<((string, string)[] Settings, Database Database)> StoreAsync()
    {
        _server = await TemporaryPostgres.StartAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(_server.ConnectionString) { MaxPoolSize = 80 }.ToString();
        return ([("Postgres", connectionString)], new PostgresDatabase(_server.ConnectionString));
    }

    protected override DbConnection JournalConnection() => new NpgsqlConnection(_server!.ConnectionString);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
