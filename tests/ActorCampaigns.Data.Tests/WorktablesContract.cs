using ActorCampaigns.Data.Populations;

namespace ActorCampaigns.Data.Tests;

public class IdBlobTests
{
    [Theory]
    [InlineData(new long[] { })]
    [InlineData(new long[] { 0 })]
    [InlineData(new long[] { -5, -1, 0, 1, 127, 128, 16_384, 1L << 40 })]
    [InlineData(new long[] { long.MinValue, 0, long.MaxValue })]
    public void Round_trips(long[] ids) => Assert.Equal(ids, IdBlob.Decode(IdBlob.Encode(ids), ids.Length));

    [Fact]
    public void Dense_ids_take_about_a_byte_each()
    {
        var ids = Enumerable.Range(1_000_000, 10_000).Select(i => (long)i * 3).ToArray();
        Assert.InRange(IdBlob.Encode(ids).Length, 10_000, 10_004);
    }

    [Fact]
    public void Unsorted_or_repeated_ids_are_refused()
    {
        Assert.Throws<ArgumentException>(() => IdBlob.Encode([1, 3, 2]));
        Assert.Throws<ArgumentException>(() => IdBlob.Encode([1, 1]));
    }

    [Fact]
    public void A_truncated_blob_is_reported()
    {
        var blob = IdBlob.Encode([1, 1000, 100_000]);
        Assert.Throws<InvalidDataException>(() => IdBlob.Decode(blob[..^1], 3));
        Assert.Throws<InvalidDataException>(() => IdBlob.Decode(blob, 2));
    }
}

/// <summary>What worktables do, on SQLite and PostgreSQL alike.</summary>
public abstract class WorktablesContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    /// <summary>Whether a connection other than the asking one holds a read open on the database.</summary>
    protected abstract Task<bool> ReadHeldAsync(Database database);

    private static readonly PortPopulation Split = new("c-1", "e-1", "split", "young");

    private async Task<Worktables> Create()
    {
        var worktables = new Worktables(await CreateDatabaseAsync());
        await worktables.InitializeAsync();
        await worktables.InitializeAsync();
        return worktables;
    }

    [Fact]
    public async Task Batches_are_kept_in_order_counted_and_replay_safe()
    {
        var worktables = await Create();
        Assert.Null(await worktables.LastBatchAsync(Split));
        Assert.True(await worktables.AppendAsync(Split, 1, [5, 9, 12]) > 0);
        Assert.True(await worktables.AppendAsync(Split, 0, [1, 2, 3]) > 0);
        Assert.True(await worktables.AppendAsync(Split, 2, [20]) > 0);
        Assert.Equal(0, await worktables.AppendAsync(Split, 1, [99]));
        Assert.True(await worktables.AppendAsync(Split with { Port = "complement" }, 0, [4]) > 0);

        Assert.Equal([1L, 2, 3, 5, 9, 12, 20], (await worktables.ReadAsync(Split).ToListAsync()).SelectMany(b => b));
        Assert.Equal([20L], (await worktables.ReadAsync(Split, after: 1).ToListAsync()).SelectMany(b => b));
        Assert.Equal(7, await worktables.CountAsync(Split));
        Assert.Equal(2, await worktables.LastBatchAsync(Split));
        Assert.Equal([1L, 2, 3, 5], await worktables.PreviewAsync(Split, 4));
        Assert.Equal(1, await worktables.CountAsync(Split with { Port = "complement" }));
        Assert.Equal(0, await worktables.CountAsync(Split with { Execution = "e-2" }));
    }

    [Fact]
    public async Task An_execution_is_deleted_a_statement_of_at_most_the_batches_asked_at_a_time_and_no_other_is()
    {
        var worktables = await Create();
        foreach (var (port, batches) in new[] { ("young", 4), ("complement", 3) })
        {
            for (var batch = 0; batch < batches; batch++)
                await worktables.AppendAsync(Split with { Port = port }, batch, [batch + 1]);
        }
        await worktables.AppendAsync(Split with { Execution = "e-2" }, 0, [1]);
        await worktables.AppendAsync(Split with { Campaign = "c-2" }, 0, [1]);
        Assert.Equal([("c-1", "e-1"), ("c-1", "e-2"), ("c-2", "e-1")], (await worktables.ExecutionsAsync()).Order());

        var deleted = new List<int>();
        while (deleted.LastOrDefault(3) == 3)
            deleted.Add(await worktables.DeleteExecutionAsync("c-1", "e-1", 3));

        Assert.Equal([3, 3, 1], deleted);
        Assert.Equal(0, await worktables.CountAsync(Split));
        Assert.Equal(1, await worktables.CountAsync(Split with { Execution = "e-2" }));
        Assert.Equal(1, await worktables.CountAsync(Split with { Campaign = "c-2" }));
        Assert.Equal([("c-1", "e-2"), ("c-2", "e-1")], (await worktables.ExecutionsAsync()).Order());
    }

    [Fact]
    public async Task A_reader_waiting_between_batches_holds_no_read_open()
    {
        var database = await CreateDatabaseAsync();
        var worktables = new Worktables(database);
        await worktables.InitializeAsync();
        // More than the server sends ahead into socket buffers, so a query still streaming would still be running.
        var random = new Random(7);
        for (var batch = 0; batch < 200; batch++)
            await worktables.AppendAsync(Split, batch, Enumerable.Range(0, 10_000).Select(i => (long)batch * 1_000_000_000_000 + i * 50_000L + random.Next(40_000)).ToArray());

        await using var batches = worktables.ReadBatchesAsync(Split, long.MinValue).GetAsyncEnumerator();
        Assert.True(await batches.MoveNextAsync());
        // The consumer waits here (a throttled channel), while the activity upstream goes on writing.
        await worktables.AppendAsync(Split, 200, [1]);
        Assert.False(await ReadHeldAsync(database));

        var read = 1;
        while (await batches.MoveNextAsync())
            read++;
        Assert.Equal(201, read);
    }
}

public sealed class SqliteWorktablesTests : WorktablesContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-work-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    /// <summary>A checkpoint that must reset the log cannot while a reader still uses it: it reports itself busy.</summary>
    protected override async Task<bool> ReadHeldAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using (var noWait = Database.Command(connection, "PRAGMA busy_timeout = 0"))
            await noWait.ExecuteNonQueryAsync();
        await using var checkpoint = Database.Command(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        await using var reader = await checkpoint.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0) == 1;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWorktablesTests(PostgresFixture postgres) : WorktablesContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());

    /// <summary>A session with a snapshot (<c>backend_xmin</c>) holds back vacuum.</summary>
    protected override async Task<bool> ReadHeldAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var sessions = Database.Command(connection,
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL");
        return Convert.ToInt64(await sessions.ExecuteScalarAsync()) > 0;
    }
}
