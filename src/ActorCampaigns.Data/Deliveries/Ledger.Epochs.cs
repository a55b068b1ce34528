using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Deliveries;

/// <summary>One partition of one activity of an execution, run by its owner of the given epoch.</summary>
public sealed record PartitionEpoch(string Campaign, string Execution, string Activity, int Partition, long Epoch);

/// <summary>An owner of a partition that is no longer its owner: the partition was given to another since.</summary>
public sealed class FencedOffException(PartitionEpoch owner, long current)
    : Exception($"partition {owner.Partition} of '{owner.Activity}' ({owner.Campaign}, execution {owner.Execution}) belongs to epoch {current} " +
        $"now, not to this run's {owner.Epoch}: it stops without sending")
{
    public PartitionEpoch Owner { get; } = owner;
}

public sealed partial class Ledger
{
    private const string ByPartition = "campaign = @campaign AND execution = @execution AND activity = @activity AND partition = @partition";

    /// <summary>
    /// Gives a partition to a new owner: its epoch goes up by one, and an owner of an earlier epoch can claim nothing
    /// from now on (<see cref="HoldsAsync"/>). The coordinator calls it each time it (re)assigns the partition.
    /// </summary>
    public async Task<long> AdvanceEpochAsync(string campaign, string execution, string activity, int partition, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO partition_epochs (campaign, execution, activity, partition, epoch) VALUES (@campaign, @execution, @activity, @partition, 1) " +
            "ON CONFLICT (campaign, execution, activity, partition) DO UPDATE SET epoch = partition_epochs.epoch + 1 RETURNING epoch");
        PartitionKey(command, campaign, execution, activity, partition);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>The partition's current epoch (0 when never assigned).</summary>
    public async Task<long> EpochAsync(string campaign, string execution, string activity, int partition, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT epoch FROM partition_epochs WHERE {ByPartition}");
        PartitionKey(command, campaign, execution, activity, partition);
        return await command.ExecuteScalarAsync(cancellationToken) is { } epoch and not DBNull ? Convert.ToInt64(epoch) : 0;
    }

    /// <summary>Throws <see cref="FencedOffException"/> when the partition was given to another owner since <paramref name="owner"/>'s epoch.</summary>
    public async Task HoldsAsync(PartitionEpoch owner, CancellationToken cancellationToken = default)
    {
        var current = await EpochAsync(owner.Campaign, owner.Execution, owner.Activity, owner.Partition, cancellationToken);
        if (current != owner.Epoch)
            throw new FencedOffException(owner, current);
    }

    /// <summary>The executions that have partition epochs here: those retention asks their campaigns about.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> EpochExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync("SELECT DISTINCT campaign, execution FROM partition_epochs", cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> partition epochs of an execution that has ended; how many it deleted.</summary>
    public Task<int> DeleteEpochsAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync("partition_epochs", "activity, partition", campaign, execution, limit, cancellationToken);

    private static void PartitionKey(System.Data.Common.DbCommand command, string campaign, string execution, string activity, int partition)
    {
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@activity", activity);
        Parameter(command, "@partition", (long)partition);
    }
}
