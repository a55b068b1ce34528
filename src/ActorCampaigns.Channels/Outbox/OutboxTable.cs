using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data;
using Npgsql;
using NpgsqlTypes;

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
public sealed class OutboxTable(PostgresDatabase database, string channel) : IMessageSender
{
    public const string Table = "outbox_messages";

    private const string Columns = "message_id, channel, campaign, execution, activity, profile, recipient, content";

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

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
            return [];
        await using var connection = (NpgsqlConnection)await database.OpenAsync(cancellationToken);
        try
        {
            await CopyAsync(connection, Table, messages, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await WriteMissingAsync(connection, messages, cancellationToken);
        }
        return messages.Select(m => new SendResult(m, null)).ToList();
    }

    private async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var message in messages)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(message.MessageId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(channel, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(message.CampaignId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(message.ExecutionId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(message.ActivityId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(message.ProfileId, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(message.To, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(JsonSerializer.Serialize(message.Content.ToDictionary(c => c.Key, c => c.Value)), NpgsqlDbType.Json, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>A batch partly or wholly written before: copied to a staging table, then inserted skipping the ids already there.</summary>
    private async Task WriteMissingAsync(NpgsqlConnection connection, IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var staging = new NpgsqlCommand($"CREATE TEMP TABLE outbox_batch (LIKE {Table} INCLUDING DEFAULTS) ON COMMIT DROP", connection, transaction))
            await staging.ExecuteNonQueryAsync(cancellationToken);
        await CopyAsync(connection, "outbox_batch", messages, cancellationToken);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {Table} ({Columns}) SELECT {Columns} FROM outbox_batch ON CONFLICT (message_id) DO NOTHING", connection, transaction))
            await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
