using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Deliveries;

/// <summary>One batch of messages of one channel activity in one execution.</summary>
public sealed record DeliveryBatch(string Campaign, string Execution, string Activity, long Batch);

public enum ClaimState { Claimed, Sent }

/// <summary>
/// A batch's claim: <see cref="ProviderState"/> is what the provider noted before sending (the outbox: where the
/// file ended), so a claim found <see cref="ClaimState.Claimed"/> after a crash is retried without sending twice.
/// </summary>
public sealed record Claim(DeliveryBatch Batch, ClaimState State, long Count, string? ProviderState, bool IsRetry);

/// <summary>
/// The delivery ledger: a batch is claimed before any of its messages is sent and marked sent after, so exactly one
/// message per profile per channel activity per execution leaves, across crashes and restarts. Claims are per
/// batch for providers that are idempotent on the message id (outbox, webhook).
/// </summary>
public sealed class Ledger(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS delivery_batches (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, batch {whole} NOT NULL,
                state {text} NOT NULL, count {whole} NOT NULL, provider_state {text}, claimed_at {text} NOT NULL, sent_at {text},
                PRIMARY KEY (campaign, execution, activity, batch))
            """, cancellationToken);
    }

    /// <summary>
    /// Claims a batch, or returns the claim that already exists for it: <see cref="Claim.IsRetry"/> says the batch
    /// was claimed before (by a run that may have crashed while sending).
    /// </summary>
    public async Task<Claim> ClaimAsync(DeliveryBatch batch, long count, string? providerState, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection,
            "INSERT INTO delivery_batches (campaign, execution, activity, batch, state, count, provider_state, claimed_at) " +
            "VALUES (@campaign, @execution, @activity, @batch, 'claimed', @count, @provider, @at) ON CONFLICT DO NOTHING"))
        {
            Key(insert, batch);
            Parameter(insert, "@count", count);
            Parameter(insert, "@provider", providerState);
            Parameter(insert, "@at", DateTime.UtcNow.ToString("O"));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                return new Claim(batch, ClaimState.Claimed, count, providerState, IsRetry: false);
        }
        await using var select = Command(connection,
            "SELECT state, count, provider_state FROM delivery_batches " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND batch = @batch");
        Key(select, batch);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var state = reader.GetString(0) == "sent" ? ClaimState.Sent : ClaimState.Claimed;
        return new Claim(batch, state, reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), IsRetry: true);
    }

    public async Task MarkSentAsync(DeliveryBatch batch, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "UPDATE delivery_batches SET state = 'sent', sent_at = @at " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND batch = @batch");
        Key(command, batch);
        Parameter(command, "@at", DateTime.UtcNow.ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many messages of an activity in an execution are marked sent.</summary>
    public async Task<long> SentAsync(string campaign, string execution, string activity, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT COALESCE(SUM(count), 0) FROM delivery_batches " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND state = 'sent'");
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@activity", activity);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static void Key(System.Data.Common.DbCommand command, DeliveryBatch batch)
    {
        Parameter(command, "@campaign", batch.Campaign);
        Parameter(command, "@execution", batch.Execution);
        Parameter(command, "@activity", batch.Activity);
        Parameter(command, "@batch", batch.Batch);
    }
}
