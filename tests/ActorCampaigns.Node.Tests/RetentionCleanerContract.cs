using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.LoadTest.Postgres;
using ActorCampaigns.Node.Reports;
using ActorCampaigns.Node.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The retention cleaner on real stores (a SQLite file, a throwaway PostgreSQL), its clock set by the test: execution
/// e-1 ended 40 days ago, e-2 yesterday, e-3 started 40 days ago and still runs. Each wrote worktables, sent mail (the
/// outbox table on PostgreSQL) and got feedback.
/// </summary>
public abstract class RetentionCleanerContract : IAsyncLifetime
{
    private const string Campaign = "c-1";
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private CampaignState _state = null!;

    protected Database Database { get; private set; } = null!;

    private EngineServices _services = null!;

    protected abstract Task<Database> CreateDatabaseAsync();

    public virtual async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        _services = await EngineServices.OpenAsync(Database, Path.Combine(Path.GetTempPath(), "unused-outbox"), _clock);
        if (Database is PostgresDatabase postgres)
            await OutboxTable.InitializeAsync(postgres);
        var document = CampaignValidator.Validate("""
            { "name": "Sale", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "email is not null" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """, ProfileSchema.Core).Document!;
        var id = new CampaignId(Campaign);
        var mailed = new ActivityCounts(9, new Dictionary<string, long> { ["default"] = 9 }, new Dictionary<string, long>(), 0);
        IEnumerable<ICampaignEvent> Execution(int n, DateTime started, DateTime? ended) =>
        [
            new ExecutionStarted(id, ExecutionId.Number(n), ExecutionMode.Live, new Dictionary<string, VariableValue>(), null, started),
            .. ended is { } at
                ? new ICampaignEvent[] { new ActivityCompleted(id, ExecutionId.Number(n), "all", ActivityState.Completed, mailed, at),
                    new ActivityCompleted(id, ExecutionId.Number(n), "mail", ActivityState.Completed, mailed, at), new ExecutionCompleted(id, ExecutionId.Number(n), at) }
                : [],
        ];
        var (longAgo, yesterday) = (Now.UtcDateTime.AddDays(-40), Now.UtcDateTime.AddDays(-1));
        _state = new ICampaignEvent[] { new Created(id, document, null, longAgo.AddDays(-1)), new Published(id, longAgo.AddDays(-1)) }
            .Concat(Execution(1, longAgo.AddHours(-1), longAgo)).Concat(Execution(2, yesterday.AddHours(-1), yesterday)).Concat(Execution(3, longAgo, null))
            .Aggregate(CampaignState.Empty(id), (state, e) => state.Apply(e));
        foreach (var execution in new[] { "e-1", "e-2", "e-3" })
            await WriteWhatAnExecutionLeavesAsync(execution);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// 7 worktable batches, 3 partition epochs, the email's sending start, 9 emails (the outbox table's 9 rows on
    /// PostgreSQL), 9 opens, 2 clicks, 3 bounces and an unsubscribe.
    /// </summary>
    private async Task WriteWhatAnExecutionLeavesAsync(string execution)
    {
        foreach (var (port, batches) in new[] { ("default", 4), ("other", 3) })
        {
            for (var batch = 0; batch < batches; batch++)
                await _services.Worktables.AppendAsync(new PortPopulation(Campaign, execution, "all", port), batch, [batch * 2 + 1, batch * 2 + 2]);
        }
        for (var partition = 0; partition < 3; partition++)
            await _services.Ledger.AdvanceEpochAsync(Campaign, execution, "mail", partition);
        // A loaded file (2 rows, a reject, its mark of being whole) and an incremental query's claims: by a mark (2 rows
        // and the mark of being whole, the execution's own) and by id (what the query remembers for the next executions).
        var load = new Data.Files.ExecutionActivity(Campaign, execution, "load");
        await _services.Loaded.AppendAsync(load, new([new(2, "{}"), new(3, "{}")], [new(4, "bad")]));
        await _services.Loaded.CloseAsync(load, new(2, 1));
        var (byMark, byId) = (new IncrementalQuery(Campaign, "fresh", execution, ByMark: true), new IncrementalQuery(Campaign, "new", execution));
        await _services.Incremental.ClaimAsync(byMark, [11, 12]);
        await _services.Incremental.CloseAsync(byMark);
        await _services.Incremental.ClaimAsync(byId, [(execution[^1] - '0') * 100L]);
        var match = new Data.Files.ExecutionActivity(Campaign, execution, "match");
        await _services.Reconciliations.AppendAsync(match, [(1, 2), (2, 3)], [4]);
        await _services.Reconciliations.CloseAsync(match, new(2, 1));
        var change = new Data.Files.ExecutionActivity(Campaign, execution, "people");
        await _services.Changes.AppendAsync(change, [(1, """{"stays":2}"""), (2, """{"stays":1}""")]);
        await _services.Changes.CloseAsync(change, new(3, 2));
        await _services.Ledger.SendingStartedAsync(Campaign, execution, "mail", Now);
        long[] profiles = [.. Enumerable.Range(1, 9).Select(p => (long)p)];
        await _services.Ledger.MarkSentAsync(new DeliveryBatch(Campaign, execution, "mail", 0), new Sending("email", MessageCategory.Marketing), Now, profiles);
        if (Database is PostgresDatabase postgres)
            await new OutboxTable(postgres, "email").SendAsync([.. profiles.Select(p => new OutboundMessage(OutboundMessage.IdFor(Campaign, execution, "mail", p),
                Campaign, execution, "mail", p, $"p{p}@example.com", [new("subject", "Sale")]))]);
        FeedbackEvent Event(long profile, FeedbackKind kind, int hoursAgo, string? detail = null) =>
            new(Campaign, execution, "mail", profile, kind, Now.AddHours(-hoursAgo), detail);
        await _services.Feedback.AppendAsync([.. profiles.Select(p => Event(p, FeedbackKind.Opened, (int)p)), Event(2, FeedbackKind.Clicked, 1, "https://a.example"),
            Event(2, FeedbackKind.Clicked, 2, "https://b.example"), Event(7, FeedbackKind.Bounced, 1, "full"), Event(8, FeedbackKind.Bounced, 1),
            Event(9, FeedbackKind.Bounced, 1, "full"), Event(5, FeedbackKind.Unsubscribed, 1, "email")]);
    }

    protected RetentionCleaner Cleaner(RetentionOptions options, int batchSize = 3) =>
        new(Database, RetentionCleaner.Parts(options, _services, Database), batchSize, _clock,
            (campaign, _) => Task.FromResult(campaign == Campaign ? _state : CampaignState.Empty(new CampaignId(campaign))));

    protected static readonly RetentionOptions ThirtyDays = new() { Worktables = TimeSpan.FromDays(30), Outbox = TimeSpan.FromDays(30), Feedback = TimeSpan.FromDays(30) };

    private async Task<string> ReportAsync() => JsonSerializer.Serialize((await CampaignReport.ReadAsync(_state, _services)).ToJson());

    protected async Task<(string Worktables, string Outbox, string Feedback)> ExecutionsHoldingAsync() =>
    (
        string.Join(",", (await _services.Worktables.ExecutionsAsync()).Select(e => e.Execution).Order()),
        Database is PostgresDatabase postgres ? string.Join(",", (await OutboxTable.ExecutionsAsync(postgres)).Select(e => e.Execution).Order()) : "",
        string.Join(",", (await _services.Feedback.Totals.ExecutionsAsync()).Select(e => e.Execution).Order())
    );

    [Fact]
    public async Task An_execution_that_ended_longer_ago_than_kept_loses_its_rows_in_batches_and_its_report_keeps_its_figures()
    {
        var report = await ReportAsync();

        var counts = await Cleaner(ThirtyDays).RunAsync(CancellationToken.None);

        // 7 worktable batches one per statement (a batch may hold 10,000 profiles) and a last that finds none; 9 messages
        // in 3 statements of 3 and a last that finds none;
        // 14 events (all but the unsubscribe) in batches of whole profiles: 3 bounces, profile 2's 2 clicks with an
        // open, opens 3 at a time, the last 2.
        // 3 partition epochs in one statement and a last that finds none; the sending start in one, fewer than a batch.
        // The load's 2 rows and reject in one statement of 3, then its mark (a change's 2 profiles and its mark alike); the 2 range rows and the mark of being whole
        // in one, then one that finds none.
        List<RetentionCount> expected = [new("worktables", 7, 1, 8), new("partition epochs", 3, 1, 2), new("sending starts", 1, 1, 1),
            new("loaded files", 4, 1, 2), new("reconciliations", 4, 1, 2), new("dimension changes", 3, 1, 2),
            new("incremental ranges", 3, 1, 2), new("feedback", 14, 1, 5)];
        if (Database is PostgresDatabase)
            expected.Insert(7, new("outbox", 9, 1, 4));
        Assert.Equal(expected, counts);
        Assert.Equal(report, await ReportAsync());
        Assert.Equal(("e-2,e-3", Database is PostgresDatabase ? "e-2,e-3" : "", "e-2,e-3"), await ExecutionsHoldingAsync());
        Assert.Equal(new long[] { 5 }, await _services.Feedback.UnsubscribedAsync("email"));
        Assert.False(await _services.Loaded.ExistsAsync(new(Campaign, "e-1", "load")));
        Assert.Null(await _services.Reconciliations.DoneAsync(new(Campaign, "e-1", "match")));
        Assert.NotNull(await _services.Reconciliations.DoneAsync(new(Campaign, "e-2", "match")));
        Assert.Null(await _services.Changes.DoneAsync(new(Campaign, "e-1", "people")));
        Assert.NotNull(await _services.Changes.DoneAsync(new(Campaign, "e-2", "people")));
        Assert.NotNull(await _services.Loaded.LoadedAsync(new(Campaign, "e-2", "load")));
        Assert.False(await _services.Incremental.IsClaimedAsync(new(Campaign, "fresh", "e-1", ByMark: true)));
        Assert.True(await _services.Incremental.IsClaimedAsync(new(Campaign, "fresh", "e-2", ByMark: true)));
        // What the query remembers stays: e-1's row is still claimed, never output again.
        Assert.Empty(await _services.Incremental.UnclaimedAsync(new(Campaign, "new", "e-4"), [100L]));
    }

    [Fact]
    public async Task A_second_run_finds_nothing_more_and_a_recent_execution_goes_once_it_is_old_enough()
    {
        await Cleaner(ThirtyDays).RunAsync(CancellationToken.None);
        var report = await ReportAsync();

        Assert.All((await Cleaner(ThirtyDays).RunAsync(CancellationToken.None))!, count => Assert.Equal(0, count.Rows));
        _clock.Advance(TimeSpan.FromDays(30));
        var counts = await Cleaner(ThirtyDays).RunAsync(CancellationToken.None);

        Assert.All(counts!, count => Assert.Equal(1, count.Executions));
        Assert.Equal(report, await ReportAsync());
        Assert.Equal(("e-3", Database is PostgresDatabase ? "e-3" : "", "e-3"), await ExecutionsHoldingAsync());
    }

    [Fact]
    public async Task A_part_set_to_zero_or_left_empty_is_kept()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Worktables"] = "", ["Retention:Feedback"] = "00:00:00", ["Retention:Outbox"] = "2.00:00:00",
        }).Build().GetSection("Retention").Get<RetentionOptions>()!;

        var counts = await Cleaner(settings).RunAsync(CancellationToken.None);

        IReadOnlyList<RetentionCount> expected = Database is PostgresDatabase ? [new("outbox", 9, 1, 4)] : [];
        Assert.Equal(expected, counts);
        Assert.Equal(("e-1,e-2,e-3", Database is PostgresDatabase ? "e-2,e-3" : "", "e-1,e-2,e-3"), await ExecutionsHoldingAsync());
    }
}

public sealed class SqliteRetentionCleanerTests : RetentionCleanerContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-retention-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresRetentionCleanerTests : RetentionCleanerContract
{
    private TemporaryPostgres? _server;

    protected override async Task<Database> CreateDatabaseAsync()
    {
        _server = await TemporaryPostgres.StartAsync();
        return new PostgresDatabase(_server.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_run_while_another_node_holds_the_lock_removes_nothing()
    {
        await using (var held = await new PostgresDatabase(_server!.ConnectionString).TryLockAsync(RetentionCleaner.CleaningLock, CancellationToken.None))
            Assert.Null(await Cleaner(ThirtyDays).RunAsync(CancellationToken.None));

        Assert.Equal(("e-1,e-2,e-3", "e-1,e-2,e-3", "e-1,e-2,e-3"), await ExecutionsHoldingAsync());
    }
}
