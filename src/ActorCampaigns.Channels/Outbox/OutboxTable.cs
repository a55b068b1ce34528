using ActorCampaigns.Channels;
using System.Data.Common;
using ActorCampaigns.Data;
using Npgsql;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// The outbox of a cluster: each message a row of <c>outbox_messages</c> in the shared PostgreSQL, keyed by its message
/// id. A campaign may move to another node between claiming a batch and sending it, so the outbox cannot be a file of
/// one node: rows keyed by message id make a repeated message a no-op wherever it is sent from. A batch is written by
/// binary COPY; a batch sent before (its node died after writing it) makes the COPY fail on the key, and is then
/// written again skipping the messages already there. Being idempotent, it is claimed per batch. The content is kept
/// as <c>json</c> (its text as written, not parsed into <c>jsonb</c>) and the key compared bytewise (<c>COLLATE "C"</c>):
/// a table written at this pace is the cluster's heaviest write. A table of an earlier version is converted at start-up.
/// </summary>
public sealed class OutboxTable(PostgresDatabase database, string channel) : ITransactionalSender
{
    public string Name => "outbox";

    public const string Table = "outbox_messages";

    /// <summary>The columns a batch is copied into, in the order of <see cref="OutboxRows"/>.</summary>
    public const string Columns = "message_id, channel, campaign, execution, activity, profile, recipient, content";

    public bool Idempotent => true;

    public static Task InitializeAsync(PostgresDatabase database, CancellationToken cancellationToken = default) => database.CreateTablesAsync($"""
        CREATE TABLE IF NOT EXISTS {Table} (
            message_id text COLLATE "C" PRIMARY KEY, channel text NOT NULL, campaign text NOT NULL, execution text NOT NULL,
            activity text NOT NULL, profile bigint NOT NULL, recipient text NOT NULL, content json NOT NULL,
            at timestamptz NOT NULL DEFAULT now());
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = '{Table}' AND column_name = 'content' AND data_type = 'jsonb') THEN
                ALTER TABLE {Table} ALTER COLUMN content TYPE json USING content::json, ALTER COLUMN message_id TYPE text COLLATE "C";
            END IF;
        END $$;
        """, cancellationToken);

    /// <summary>
    /// The executions with messages in the table. Each sent a batch, so each has a row in <c>sendings</c> (a few per
    /// execution); a message id starts with its campaign and execution, so the table's key finds an execution's rows
    /// without an index more on the cluster's heaviest write.
    /// </summary>
    public static Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(PostgresDatabase database, CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync($"SELECT DISTINCT g.campaign, g.execution FROM {Domain.Expressions.Sends.Sendings} g WHERE EXISTS (SELECT 1 FROM {Table} o " +
            "WHERE o.message_id >= (g.campaign || '.' || g.execution || '.') COLLATE \"C\" AND o.message_id < (g.campaign || '.' || g.execution || '/') COLLATE \"C\")",
            cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> messages of an execution (<c>{campaign}.{execution}.*</c>, a range of
    /// the key: '/' follows '.') and says how many: retention calls it until none is left, a short statement at a time.
    /// </summary>
    public static async Task<int> DeleteExecutionAsync(PostgresDatabase database, string campaign, string execution, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Database.Command(connection,
            $"DELETE FROM {Table} WHERE message_id = ANY(ARRAY(SELECT message_id FROM {Table} WHERE message_id >= @from AND message_id < @to LIMIT @limit))");
        Database.Parameter(command, "@from", $"{campaign}.{execution}.");
        Database.Parameter(command, "@to", $"{campaign}.{execution}/");
        Database.Parameter(command, "@limit", (long)limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Messages are rendered straight into the table's COPY rows.</summary>
    public MessageBatch NewBatch(int expected) => new OutboxRows(channel, expected);

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        using var rows = new OutboxRows(channel, messages.Count);
        rows.AddRange(messages);
        await SendBatchAsync(rows, null, cancellationToken);
        return messages.Select(m => new SendResult(m, null)).ToList();
    }

    public Database Database => database;

    public async Task<IReadOnlyDictionary<long, string>> SendBatchAsync(MessageBatch batch, string? retryFrom, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await WriteAsync(connection, transaction, batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return IMessageSender.NoneRefused;
    }

    /// <summary>
    /// Copies the batch's rows; a batch written before, wholly or in part (a node died after writing it), makes the copy
    /// fail on the key, and is then copied to a staging table and inserted skipping the messages already there.
    /// </summary>
    public async Task WriteAsync(DbConnection connection, DbTransaction transaction, MessageBatch batch, CancellationToken cancellationToken = default)
    {
        var rows = batch as OutboxRows ?? throw new InvalidOperationException($"the outbox table copies its own rows, not a batch of {batch.GetType().Name}");
        if (rows.Count == 0)
            return;
        var (npgsql, within) = ((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        await within.SaveAsync("outbox_rows", cancellationToken);
        try
        {
            await CopyAsync(npgsql, Table, rows, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await within.RollbackAsync("outbox_rows", cancellationToken);
            await using (var staging = new NpgsqlCommand($"CREATE TEMP TABLE outbox_batch (LIKE {Table} INCLUDING DEFAULTS) ON COMMIT DROP", npgsql, within))
                await staging.ExecuteNonQueryAsync(cancellationToken);
            await CopyAsync(npgsql, "outbox_batch", rows, cancellationToken);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {Table} ({Columns}) SELECT {Columns} FROM outbox_batch ON CONFLICT (message_id) DO NOTHING; DROP TABLE outbox_batch", npgsql, within);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }


    private static async Task CopyAsync(NpgsqlConnection connection, string table, OutboxRows rows, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await copy.WriteAsync(OutboxRows.Header, cancellationToken);
        await copy.WriteAsync(rows.Written, cancellationToken);
        await copy.WriteAsync(OutboxRows.Trailer, cancellationToken);
    }
}
