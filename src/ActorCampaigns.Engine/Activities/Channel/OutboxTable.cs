using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// The outbox of a cluster: each message a row of <c>outbox_messages</c> in the shared PostgreSQL, keyed by its message
/// id. A campaign may move to another node between claiming a batch and sending it, so the outbox cannot be a file of
/// one node: rows keyed by message id make a repeated message a no-op wherever it is sent from. It sends a batch in
/// one statement (an array per column); being idempotent, it is claimed per batch.
/// </summary>
public sealed class OutboxTable(PostgresDatabase database, string channel) : IMessageSender
{
    public const string Table = "outbox_messages";

    public bool Idempotent => true;

    public static Task InitializeAsync(PostgresDatabase database, CancellationToken cancellationToken = default) => database.CreateTablesAsync($"""
        CREATE TABLE IF NOT EXISTS {Table} (
            message_id text PRIMARY KEY, channel text NOT NULL, campaign text NOT NULL, execution text NOT NULL,
            activity text NOT NULL, profile bigint NOT NULL, recipient text NOT NULL, content jsonb NOT NULL,
            at timestamptz NOT NULL DEFAULT now());
        """, cancellationToken);

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
            return [];
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection,
            $"INSERT INTO {Table} (message_id, channel, campaign, execution, activity, profile, recipient, content) " +
            "SELECT m, @channel, c, e, a, p, r, j::jsonb FROM unnest(@ids, @campaigns, @executions, @activities, @profiles, @recipients, @contents) " +
            "AS t(m, c, e, a, p, r, j) ON CONFLICT (message_id) DO NOTHING");
        Parameter(insert, "@channel", channel);
        Parameter(insert, "@ids", messages.Select(m => m.MessageId).ToArray());
        Parameter(insert, "@campaigns", messages.Select(m => m.CampaignId).ToArray());
        Parameter(insert, "@executions", messages.Select(m => m.ExecutionId).ToArray());
        Parameter(insert, "@activities", messages.Select(m => m.ActivityId).ToArray());
        Parameter(insert, "@profiles", messages.Select(m => m.ProfileId).ToArray());
        Parameter(insert, "@recipients", messages.Select(m => m.To).ToArray());
        Parameter(insert, "@contents", messages.Select(m => JsonSerializer.Serialize(m.Content.ToDictionary(c => c.Key, c => c.Value))).ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return messages.Select(m => new SendResult(m, null)).ToList();
    }
}
