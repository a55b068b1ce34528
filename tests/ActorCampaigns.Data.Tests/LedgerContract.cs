using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Data.Tests;

/// <summary>What the delivery ledger does, on SQLite and PostgreSQL alike.</summary>
public abstract class LedgerContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static readonly DeliveryBatch First = new("c-1", "e-1", "mail", 0);

    private static readonly Sending Email = new("email", MessageCategory.Marketing);

    [Fact]
    public async Task A_batch_is_claimed_once_retried_with_its_provider_state_and_then_sent()
    {
        var ledger = new Ledger(await CreateDatabaseAsync());
        await ledger.InitializeAsync();
        var claim = await ledger.ClaimAsync(First, 100, "4096");
        Assert.Equal((ClaimState.Claimed, false), (claim.State, claim.IsRetry));

        var retry = await ledger.ClaimAsync(First, 100, "9999");
        Assert.Equal((ClaimState.Claimed, true, "4096"), (retry.State, retry.IsRetry, retry.ProviderState));
        Assert.Equal(0, await ledger.SentAsync("c-1", "e-1", "mail"));

        await ledger.MarkSentAsync(First, Email, DateTimeOffset.UtcNow, [1, 2]);
        Assert.Equal(ClaimState.Sent, (await ledger.ClaimAsync(First, 100, null)).State);
        await ledger.ClaimAsync(First with { Batch = 1 }, 40, null);
        await ledger.MarkSentAsync(First with { Batch = 1 }, Email, DateTimeOffset.UtcNow, [3]);
        await ledger.ClaimAsync(First with { Batch = 2 }, 7, null);
        Assert.Equal(140, await ledger.SentAsync("c-1", "e-1", "mail"));
        Assert.Equal(0, await ledger.SentAsync("c-1", "e-2", "mail"));
    }

    [Fact]
    public async Task Messages_are_claimed_one_by_one_and_those_settled_come_back_with_their_outcome()
    {
        var ledger = new Ledger(await CreateDatabaseAsync());
        await ledger.InitializeAsync();
        Assert.Empty(await ledger.ClaimMessagesAsync(First, [1, 2, 3]));
        await ledger.SettleMessagesAsync(First, [(1, null), (2, "550 no such user")], [], DateTimeOffset.UtcNow);

        var settled = await ledger.ClaimMessagesAsync(First, [1, 2, 3, 4]);
        Assert.Equal(new Dictionary<long, string?> { [1] = null, [2] = "550 no such user" }, settled);
        Assert.Empty(await ledger.ClaimMessagesAsync(First with { Activity = "other" }, [1, 2]));
        await ledger.SettleMessagesAsync(First, [(3, "550 no such user"), (4, "connection: refused")], [], DateTimeOffset.UtcNow);
        Assert.Equal([("e-1", "mail", "550 no such user", 2L), ("e-1", "mail", "connection: refused", 1L)],
            (await ledger.FailuresAsync("c-1")).OrderByDescending(f => f.Messages));
    }

    [Fact]
    public async Task A_message_deferred_stays_claimed_and_counts_as_retried_once_however_many_tries_it_took()
    {
        var ledger = new Ledger(await CreateDatabaseAsync());
        await ledger.InitializeAsync();
        await ledger.ClaimMessagesAsync(First, [1, 2, 3]);
        await ledger.SettleMessagesAsync(First, [(1, null)], [2, 3], DateTimeOffset.UtcNow);
        Assert.Equal(new Dictionary<long, string?> { [1] = null }, await ledger.ClaimMessagesAsync(First, [1, 2, 3]));

        await ledger.SettleMessagesAsync(First, [(2, null), (3, null)], [2, 3], DateTimeOffset.UtcNow);
        await ledger.SettleMessagesAsync(First with { Execution = "e-2" }, [(1, null)], [1], DateTimeOffset.UtcNow);
        Assert.Equal([("e-1", "mail", 2L), ("e-2", "mail", 1L)], (await ledger.RetriesAsync("c-1")).OrderBy(r => r.Execution));
        Assert.Empty(await ledger.RetriesAsync("c-2"));
    }

    [Fact]
    public async Task Of_the_messages_asked_about_only_those_recorded_as_sent_come_back_with_their_time_across_several_queries()
    {
        var ledger = new Ledger(await CreateDatabaseAsync());
        await ledger.InitializeAsync();
        await ledger.ClaimAsync(First, 500, null);
        var odd = Enumerable.Range(0, 500).Select(i => 2L * i + 1).ToList();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123);
        await ledger.MarkSentAsync(First, Email, at, odd);
        Assert.Empty(await ledger.SentAtAsync([]));

        var asked = Enumerable.Range(1, 1200).Select(p => new MessageKey("c-1", "e-1", "mail", p)).Concat([
            new MessageKey("c-1", "e-1", "mail", 1), new MessageKey("c-1", "e-2", "mail", 1), new MessageKey("c-2", "e-1", "mail", 1),
            new MessageKey("c-1", "e-1", "text", 1), new MessageKey("c-1", "e-1.mail", "1", 1)]).ToList();
        var sent = await ledger.SentAtAsync(asked);
        Assert.Equal(odd.Select(p => new MessageKey("c-1", "e-1", "mail", p)), sent.Keys.OrderBy(m => m.Profile));
        Assert.All(sent.Values, time => Assert.Equal(at, time));
    }

    [Fact]
    public async Task A_message_sent_one_by_one_counts_as_sent_once_settled_before_its_batch_is_recorded_with_its_own_time()
    {
        var ledger = new Ledger(await CreateDatabaseAsync());
        await ledger.InitializeAsync();
        await ledger.ClaimAsync(First, 3, null);
        await ledger.ClaimMessagesAsync(First, [1, 2, 3]);
        var settled = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_000);
        await ledger.SettleMessagesAsync(First, [(1, null), (2, "550 no such user")], [], settled);

        MessageKey[] asked = [new("c-1", "e-1", "mail", 1), new("c-1", "e-1", "mail", 2), new("c-1", "e-1", "mail", 3)];
        Assert.Equal([KeyValuePair.Create(asked[0], (DateTimeOffset?)settled)], await ledger.SentAtAsync(asked));
        // Its batch recorded later: the message keeps the time it left.
        await ledger.MarkSentAsync(First, Email, settled.AddSeconds(30), [1]);
        Assert.Equal([KeyValuePair.Create(asked[0], (DateTimeOffset?)settled)], await ledger.SentAtAsync(asked));
    }

    [Fact]
    public async Task A_ledger_made_before_messages_kept_their_time_gets_the_column_and_its_messages_stay_sent_with_no_time()
    {
        var database = await CreateDatabaseAsync();
        await database.CreateTablesAsync("""
            CREATE TABLE delivery_messages (campaign text NOT NULL, execution text NOT NULL, activity text NOT NULL, profile bigint NOT NULL,
                state text NOT NULL, reason text, PRIMARY KEY (campaign, execution, activity, profile));
            INSERT INTO delivery_messages VALUES ('c-1', 'e-1', 'mail', 1, 'sent', NULL);
            """, CancellationToken.None);
        var ledger = new Ledger(database);
        await ledger.InitializeAsync();
        await ledger.InitializeAsync(); // as every start does

        await ledger.ClaimMessagesAsync(First, [2]);
        var settled = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_000);
        await ledger.SettleMessagesAsync(First, [(2, null)], [], settled);
        var sent = await ledger.SentAtAsync([new MessageKey("c-1", "e-1", "mail", 1), new MessageKey("c-1", "e-1", "mail", 2)]);
        Assert.Equal([(1L, (DateTimeOffset?)null), (2L, settled)], sent.OrderBy(s => s.Key.Profile).Select(s => (s.Key.Profile, s.Value)));
    }
}

public sealed class SqliteLedgerTests : LedgerContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-ledger-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerTests(PostgresFixture postgres) : LedgerContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}
