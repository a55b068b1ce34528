using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Deliveries;

/// <summary>
/// When each channel activity of an execution started sending (<c>delivery_starts</c>): its maximum send duration counts
/// from there; and which batches quiet hours dropped (a <c>delivery_batches</c> row of state <c>dropped</c>, no message).
/// </summary>
public sealed partial class Ledger
{
    /// <summary>
    /// When the channel activity started sending: <paramref name="now"/> the first time it is asked, the same instant
    /// ever after (a rerun after a crash or a pause, any partition, any member).
    /// </summary>
    public async Task<DateTimeOffset> SendingStartedAsync(string campaign, string execution, string activity, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection,
            "INSERT INTO delivery_starts (campaign, execution, activity, started_at) VALUES (@campaign, @execution, @activity, @at) ON CONFLICT DO NOTHING"))
        {
            Starts(insert, campaign, execution, activity);
            Parameter(insert, "@at", now.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = Command(connection,
            "SELECT started_at FROM delivery_starts WHERE campaign = @campaign AND execution = @execution AND activity = @activity");
        Starts(select, campaign, execution, activity);
        return DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken)));
    }

    /// <summary>The state a batch is recorded in, <c>claimed</c>, <c>sent</c> or <c>dropped</c>; null when it was never begun.</summary>
    public async Task<string?> BatchStateAsync(DeliveryBatch batch, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection,
            "SELECT state FROM delivery_batches WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND batch = @batch");
        Key(select, batch);
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    public const string Dropped = "dropped";

    /// <summary>Records that quiet hours dropped a batch: a rerun, at whatever hour, drops it again rather than send it.</summary>
    public async Task DropAsync(DeliveryBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection,
            "INSERT INTO delivery_batches (campaign, execution, activity, batch, state, count, claimed_at) " +
            $"VALUES (@campaign, @execution, @activity, @batch, '{Dropped}', 0, @at) ON CONFLICT DO NOTHING");
        Key(insert, batch);
        Parameter(insert, "@at", at.UtcDateTime.ToString("O"));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The executions that have sending starts here: those retention asks their campaigns about.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> StartExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync("SELECT DISTINCT campaign, execution FROM delivery_starts", cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> sending starts of an execution that has ended; how many it deleted.</summary>
    public Task<int> DeleteStartsAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync("delivery_starts", "activity", campaign, execution, limit, cancellationToken);

    private static void Starts(System.Data.Common.DbCommand command, string campaign, string execution, string activity)
    {
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@activity", activity);
    }
}
