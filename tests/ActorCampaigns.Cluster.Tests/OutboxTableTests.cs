using ActorCampaigns.Channels;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>The cluster's outbox table: a batch sent again, wholly or in part, leaves one row per message.</summary>
public sealed class OutboxTableTests : IAsyncLifetime
{
    private TemporaryPostgres? _postgres;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _postgres = await TemporaryPostgres.StartAsync();
        _database = new PostgresDatabase(_postgres.ConnectionString);
        await OutboxTable.InitializeAsync(_database);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }

    private static List<OutboundMessage> Messages(int from, int to, string campaign = "c-1", string execution = "e-1") => Enumerable.Range(from, to - from + 1).Select(p => new OutboundMessage(
        OutboundMessage.IdFor(campaign, execution, "mail", p), campaign, execution, "mail", p, $"p{p}@example.com",
        [new("subject", $"Hi {p}"), new("html", "<p>it's \"quoted\" \\ and ünïcode</p>")])).ToList();

    private async Task<List<string[]>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT message_id, channel, profile, recipient, content->>'subject', content->>'html' FROM outbox_messages ORDER BY profile", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add([reader.GetString(0), reader.GetString(1), reader.GetInt64(2).ToString(), reader.GetString(3), reader.GetString(4), reader.GetString(5)]);
        return rows;
    }

    [Fact]
    public async Task A_batch_sent_again_in_part_adds_only_the_messages_not_yet_there()
    {
        var outbox = new OutboxTable(_database, "email");
        await outbox.SendAsync(Messages(1, 100));
        // The same batch again (a node died after writing it) and a batch overlapping it: no error, no second row.
        var results = await outbox.SendAsync(Messages(1, 100));
        await outbox.SendAsync(Messages(51, 150));

        Assert.All(results, r => Assert.True(r.Sent));
        var rows = await RowsAsync();
        Assert.Equal(150, rows.Count);
        Assert.Equal(Enumerable.Range(1, 150).Select(p => $"c-1.e-1.mail.{p}"), rows.Select(r => r[0]));
        Assert.Equal(["c-1.e-1.mail.150", "email", "150", "p150@example.com", "Hi 150", "<p>it's \"quoted\" \\ and ünïcode</p>"], rows[^1]);
    }

    [Fact]
    public async Task An_execution_s_messages_are_deleted_a_statement_of_at_most_the_rows_asked_at_a_time_and_no_other_s()
    {
        var outbox = new OutboxTable(_database, "email");
        var ledger = new Ledger(_database);
        await ledger.InitializeAsync();
        // Executions whose ids start alike: c-1's e-10 and c-10's e-1 are not c-1's e-1.
        foreach (var (campaign, execution) in new[] { ("c-1", "e-1"), ("c-1", "e-10"), ("c-10", "e-1"), ("c-1", "e-2") })
        {
            await outbox.SendAsync(Messages(1, campaign == "c-1" && execution == "e-1" ? 100 : 3, campaign, execution));
            await ledger.MarkSentAsync(new DeliveryBatch(campaign, execution, "mail", 0), new Sending("email", MessageCategory.Marketing), DateTimeOffset.UtcNow, [1]);
        }
        await ledger.MarkSentAsync(new DeliveryBatch("c-3", "e-1", "mail", 0), new Sending("email", MessageCategory.Marketing), DateTimeOffset.UtcNow, [1]);
        Assert.Equal([("c-1", "e-1"), ("c-1", "e-10"), ("c-1", "e-2"), ("c-10", "e-1")], (await OutboxTable.ExecutionsAsync(_database)).Order());

        var deleted = new List<int>();
        while (deleted.LastOrDefault(40) == 40)
            deleted.Add(await OutboxTable.DeleteExecutionAsync(_database, "c-1", "e-1", 40));

        Assert.Equal([40, 40, 20], deleted);
        Assert.Equal(["c-1.e-10", "c-1.e-2", "c-10.e-1"], (await RowsAsync()).Select(r => r[0][..r[0].LastIndexOf(".mail.", StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(9, (await RowsAsync()).Count);
        Assert.Equal([("c-1", "e-10"), ("c-1", "e-2"), ("c-10", "e-1")], (await OutboxTable.ExecutionsAsync(_database)).Order());
    }

    [Fact]
    public async Task A_table_of_an_earlier_version_is_converted_at_start_up_keeping_its_rows()
    {
        await using (var connection = new NpgsqlConnection(_postgres!.ConnectionString))
        {
            await connection.OpenAsync();
            // The table as earlier versions created it: jsonb content, a key compared by the database's collation.
            await using var old = new NpgsqlCommand("""
                DROP TABLE outbox_messages;
                CREATE TABLE outbox_messages (message_id text PRIMARY KEY, channel text NOT NULL, campaign text NOT NULL,
                    execution text NOT NULL, activity text NOT NULL, profile bigint NOT NULL, recipient text NOT NULL,
                    content jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
                INSERT INTO outbox_messages (message_id, channel, campaign, execution, activity, profile, recipient, content)
                VALUES ('c-1.e-1.mail.1', 'email', 'c-1', 'e-1', 'mail', 1, 'p1@example.com', '{"subject": "Hi 1", "html": "<p>old</p>"}');
                """, connection);
            await old.ExecuteNonQueryAsync();
        }

        await OutboxTable.InitializeAsync(_database);
        await OutboxTable.InitializeAsync(_database);
        await new OutboxTable(_database, "email").SendAsync(Messages(1, 3));

        var rows = await RowsAsync();
        Assert.Equal(["c-1.e-1.mail.1", "email", "1", "p1@example.com", "Hi 1", "<p>old</p>"], rows[0]);
        Assert.Equal(3, rows.Count);
        await using var check = new NpgsqlConnection(_postgres.ConnectionString);
        await check.OpenAsync();
        await using var type = new NpgsqlCommand(
            "SELECT data_type || ' ' || COALESCE((SELECT collation_name FROM information_schema.columns WHERE table_name = 'outbox_messages' AND column_name = 'message_id'), '') " +
            "FROM information_schema.columns WHERE table_name = 'outbox_messages' AND column_name = 'content'", check);
        Assert.Equal("json C", await type.ExecuteScalarAsync());
    }

    /// <summary>The outbox table, failing once it has written a batch: as a node dying before its transaction commits.</summary>
    private sealed class DiesAfterWriting(OutboxTable table) : ITransactionalSender
    {
        public bool Idempotent => true;

        public Database Database => table.Database;

        public MessageBatch NewBatch(int expected) => table.NewBatch(expected);

        public Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default) =>
            table.SendAsync(messages, cancellationToken);

        public async Task WriteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, MessageBatch batch,
            CancellationToken cancellationToken = default)
        {
            await table.WriteAsync(connection, transaction, batch, cancellationToken);
            throw new IOException("the node died");
        }
    }

    private readonly string _unusedOutbox = Path.Combine(Path.GetTempPath(), $"actorcampaigns-outbox-{Guid.NewGuid():N}");

    private static readonly DeliveryBatch Batch = new("c-1", "e-1", "mail", 0);
    private static readonly Sending Email = new("email", ActorCampaigns.Domain.Campaigns.MessageCategory.Marketing);

    private async Task<(Ledger, Delivery)> DeliveryAsync(IMessageSender email)
    {
        var ledger = new Ledger(_database);
        await ledger.InitializeAsync();
        // A folder for the file outbox that no message may reach: the channel has its provider.
        var outbox = new OutboxProvider(_unusedOutbox);
        return (ledger, new Delivery(ledger, outbox, new Dictionary<string, IMessageSender> { ["email"] = email }, TimeProvider.System));
    }

    [Fact]
    public async Task A_batch_is_claimed_written_and_marked_sent_in_one_transaction_so_a_crash_leaves_it_whole_or_absent()
    {
        var table = new OutboxTable(_database, "email");
        var (ledger, dying) = await DeliveryAsync(new DiesAfterWriting(table));
        await Assert.ThrowsAsync<IOException>(() => dying.SendAsync(Batch, Email, Messages(1, 10)));
        Assert.Empty(await RowsAsync());
        Assert.Equal(0, await ledger.SentAsync("c-1", "e-1", "mail"));

        var (_, delivery) = await DeliveryAsync(table);
        var outcome = await delivery.SendAsync(Batch, Email, Messages(1, 10));
        await delivery.MarkSentAsync(Batch, Email, outcome);
        Assert.Equal((10, (IReadOnlyList<long>?)null), (outcome.Sent, outcome.ToMark));
        Assert.Equal(0, (await delivery.SendAsync(Batch, Email, Messages(1, 10))).Sent);
        Assert.Equal(10, (await RowsAsync()).Count);
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail"));
        Assert.False(Directory.Exists(_unusedOutbox));
    }

    [Fact]
    public async Task A_batch_claimed_and_partly_written_by_an_earlier_version_is_completed_once()
    {
        var table = new OutboxTable(_database, "email");
        var (ledger, delivery) = await DeliveryAsync(table);
        // The two steps of earlier versions, interrupted: claimed, four rows written, never marked sent.
        await ledger.ClaimAsync(Batch, 10, null);
        await table.SendAsync(Messages(1, 4));

        Assert.Equal(10, (await delivery.SendAsync(Batch, Email, Messages(1, 10))).Sent);
        Assert.Equal(Enumerable.Range(1, 10).Select(p => $"c-1.e-1.mail.{p}"), (await RowsAsync()).Select(r => r[0]));
        Assert.Equal(10, await ledger.SentAsync("c-1", "e-1", "mail"));
    }

    [Fact]
    public async Task Messages_to_no_one_of_the_population_are_written_and_recorded_for_no_profile()
    {
        var (ledger, delivery) = await DeliveryAsync(new OutboxTable(_database, "email"));
        var alert = Email with { Category = ActorCampaigns.Domain.Campaigns.MessageCategory.Transactional, ToProfiles = false };

        var outcome = await delivery.SendAsync(Batch, alert, Messages(1, 2));
        await delivery.MarkSentAsync(Batch, alert, outcome);

        Assert.Equal(2, outcome.Sent);
        Assert.Equal(2, (await RowsAsync()).Count);
        Assert.Equal(2, await ledger.SentAsync("c-1", "e-1", "mail"));
        // What sent(...) and the frequency cap read: nothing, so profiles 1 and 2 were sent nothing.
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var sends = new NpgsqlCommand("SELECT COUNT(*) FROM sends", connection);
        Assert.Equal(0L, await sends.ExecuteScalarAsync());
    }
}
