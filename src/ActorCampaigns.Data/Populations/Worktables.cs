using System.Runtime.CompilerServices;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Populations;

/// <summary>
/// The population leaving one port of one activity in one execution of a campaign; with <paramref name="Batches"/>,
/// only its batches numbered in that range (one partition's, see <see cref="BatchRange"/>).
/// </summary>
public sealed record PortPopulation(string Campaign, string Execution, string Activity, string Port, BatchRange? Batches = null);

/// <summary>
/// Batch numbers from <paramref name="From"/> (included) to <paramref name="To"/> (excluded). A partitioned execution
/// numbers the batches of partition <c>p</c> from <c>p &lt;&lt; 40</c> on (<see cref="Of"/>), so a partition reads its
/// own by their range and a reader of the whole population reads all of them in number order, which is id order.
/// The batches of an experiment's second wave (its held-back profiles, and what the winner's path makes of them) are
/// numbered from <see cref="SecondWave"/> on, after every first-wave batch, in the same layout of partitions.
/// </summary>
public sealed record BatchRange(long From, long To)
{
    /// <summary>Bits of a batch number left to the batches of one partition (a trillion batches).</summary>
    public const int PartitionShift = 40;

    /// <summary>The bit set in the numbers of second-wave batches.</summary>
    public const long SecondWave = 1L << 62;

    /// <summary>Every batch of the second wave, of all partitions.</summary>
    public static readonly BatchRange WholeSecondWave = new(SecondWave, long.MaxValue);

    public static BatchRange Of(int partition, bool secondWave = false) =>
        new(Number(partition, 0, secondWave), Number(partition + 1, 0, secondWave));

    /// <summary>A batch number as an operator reads it: <c>batch 12</c>, <c>batch 12 of partition 2</c>, <c>… of the second wave</c>.</summary>
    public static string Describe(long number)
    {
        var (wave, partition, n) = ((number & SecondWave) != 0, (number & ~SecondWave) >> PartitionShift, number & ((1L << PartitionShift) - 1));
        return $"batch {n}" + (partition > 0 ? $" of partition {partition}" : "") + (wave ? " of the second wave" : "");
    }

    /// <summary>The number of batch <paramref name="n"/> of <paramref name="partition"/>, in the first wave or the second.</summary>
    public static long Number(int partition, long n, bool secondWave = false) => (secondWave ? SecondWave : 0) | ((long)partition << PartitionShift) | n;
}

/// <summary>
/// Where populations are written as they flow: one row per batch (its number, its size, its sorted ids as an
/// <see cref="IdBlob"/>), never one row per profile. Appending a batch number twice keeps the first, so a batch
/// replayed after a crash is harmless and the last batch number is the checkpoint to resume after.
/// </summary>
public sealed class Worktables(Database database)
{
    private const string ByPort = "campaign = @campaign AND execution = @execution AND activity = @activity AND port = @port " +
        "AND batch >= @from AND batch < @to";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (blob, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS worktables (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, port {text} NOT NULL,
                batch {whole} NOT NULL, count {whole} NOT NULL, ids {blob} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, port, batch))
            """, cancellationToken);
    }

    /// <summary>
    /// Appends batch <paramref name="batch"/> of a port's population; the bytes of ids it wrote (0: it was there). On PostgreSQL its commit does
    /// not wait for the disk (<c>synchronous_commit = off</c>, for this transaction only): a batch lost in a crash of
    /// the server is written again when its activity reruns from its last batch, as after a crash of the node. Nothing
    /// durable can depend on a lost batch: whatever follows from it (a journal event, a ledger claim) commits after it,
    /// and a synchronous commit flushes the log up to itself, the batches before it included.
    /// </summary>
    public async Task<int> AppendAsync(PortPopulation population, long batch, long[] ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = database.Dialect == SqlDialect.PostgreSql ? await connection.BeginTransactionAsync(cancellationToken) : null;
        if (transaction is not null)
        {
            await using var asynchronous = Command(connection, "SET LOCAL synchronous_commit = off", transaction);
            await asynchronous.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command(connection,
            "INSERT INTO worktables (campaign, execution, activity, port, batch, count, ids) " +
            "VALUES (@campaign, @execution, @activity, @port, @batch, @count, @ids) ON CONFLICT DO NOTHING", transaction);
        Parameter(command, "@campaign", population.Campaign);
        Parameter(command, "@execution", population.Execution);
        Parameter(command, "@activity", population.Activity);
        Parameter(command, "@port", population.Port);
        Parameter(command, "@batch", batch);
        Parameter(command, "@count", (long)ids.Length);
        var blob = IdBlob.Encode(ids);
        Parameter(command, "@ids", blob);
        var added = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (transaction is not null)
            await transaction.CommitAsync(cancellationToken);
        return added ? blob.Length : 0;
    }

    /// <summary>The highest batch number written for a port, or null when none is.</summary>
    public async Task<long?> LastBatchAsync(PortPopulation population, CancellationToken cancellationToken = default)
    {
        var last = await ScalarAsync(population, "MAX(batch)", cancellationToken);
        return last is null or DBNull ? null : Convert.ToInt64(last);
    }

    public async Task<long> CountAsync(PortPopulation population, CancellationToken cancellationToken = default) =>
        Convert.ToInt64(await ScalarAsync(population, "COALESCE(SUM(count), 0)", cancellationToken));

    /// <summary>The population's ids in batch order, a batch at a time, from batch <paramref name="after"/> + 1 on.</summary>
    public async IAsyncEnumerable<long[]> ReadAsync(PortPopulation population, long after = long.MinValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (_, ids) in ReadBatchesAsync(population, after, cancellationToken))
            yield return ids;
    }

    /// <summary>
    /// Batches read per query. The reader is closed before the batches are handed on, so a consumer that waits (a
    /// channel throttled for hours) holds no read open: on PostgreSQL, no snapshot holding back vacuum; on SQLite, no
    /// read transaction holding back checkpoints.
    /// </summary>
    private const int BatchesPerRead = 4;

    /// <summary>The population's batches written so far after batch <paramref name="after"/>, with their numbers.</summary>
    public async IAsyncEnumerable<(long Batch, long[] Ids)> ReadBatchesAsync(PortPopulation population, long after,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = await ReadSomeAsync(population, after, cancellationToken);
            foreach (var batch in read)
                yield return batch;
            if (read.Count < BatchesPerRead)
                yield break;
            after = read[^1].Batch;
        }
    }

    private async Task<List<(long Batch, long[] Ids)>> ReadSomeAsync(PortPopulation population, long after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT batch, count, ids FROM worktables WHERE {ByPort} AND batch > @after ORDER BY batch LIMIT {BatchesPerRead}");
        Key(command, population);
        Parameter(command, "@after", after);
        var read = new List<(long, long[])>(BatchesPerRead);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            read.Add((reader.GetInt64(0), IdBlob.Decode((byte[])reader.GetValue(2), (int)reader.GetInt64(1))));
        return read;
    }

    /// <summary>The first <paramref name="limit"/> ids of a population, for a transition preview.</summary>
    public async Task<IReadOnlyList<long>> PreviewAsync(PortPopulation population, int limit, CancellationToken cancellationToken = default)
    {
        var ids = new List<long>(limit);
        await foreach (var batch in ReadAsync(population, cancellationToken: cancellationToken))
        {
            ids.AddRange(batch.Take(limit - ids.Count));
            if (ids.Count == limit)
                break;
        }
        return ids;
    }

    /// <summary>The executions that have populations here: those retention asks their campaigns about.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync("SELECT DISTINCT campaign, execution FROM worktables", cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> batches of an execution's populations; how many it deleted.</summary>
    public Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync("worktables", "activity, port, batch", campaign, execution, limit, cancellationToken);

    private async Task<object?> ScalarAsync(PortPopulation population, string aggregate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {aggregate} FROM worktables WHERE {ByPort}");
        Key(command, population);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static void Key(System.Data.Common.DbCommand command, PortPopulation population)
    {
        Parameter(command, "@campaign", population.Campaign);
        Parameter(command, "@execution", population.Execution);
        Parameter(command, "@activity", population.Activity);
        Parameter(command, "@port", population.Port);
        Parameter(command, "@from", population.Batches?.From ?? long.MinValue);
        Parameter(command, "@to", population.Batches?.To ?? long.MaxValue);
    }
}
