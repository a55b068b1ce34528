using ActorCampaigns.Data.Populations;

namespace ActorCampaigns.Data.Tests;

/// <summary>What incremental queries output before, on SQLite and PostgreSQL alike.</summary>
public abstract class IncrementalRowsContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static IncrementalQuery Run(string execution, bool byMark = false) => new("c-1", "fresh", execution, byMark);

    private static long[] Ids(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => 1_000L * i + 7).ToArray();

    private static async Task<long[][]> Claimed(IncrementalRows rows, IncrementalQuery query, int batchSize = 4) =>
        await rows.ClaimedAsync(query, batchSize).ToArrayAsync();

    [Fact]
    public async Task By_id_each_row_is_claimed_by_the_first_execution_that_streams_it_and_output_from_its_claims_in_id_order()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        await rows.ClaimAsync(Run("e-1"), Ids(1, 10));
        await rows.CloseAsync(Run("e-1"));
        await rows.ClaimAsync(Run("e-2"), Ids(5, 15));
        Assert.True(await rows.IsClaimedAsync(Run("e-1")));
        Assert.False(await rows.IsClaimedAsync(Run("e-2")));
        Assert.Equal([Ids(1, 4), Ids(5, 8), Ids(9, 10)], await Claimed(rows, Run("e-1")));
        Assert.Equal(Ids(11, 15), (await Claimed(rows, Run("e-2"))).SelectMany(b => b));

        // e-3 stops while claiming; its rerun streams more rows (added meanwhile, ids between): what it claimed stays its own.
        await rows.ClaimAsync(Run("e-3"), [Ids(16, 16)[0], Ids(18, 18)[0]]);
        await rows.ClaimAsync(Run("e-3"), Ids(1, 20));
        Assert.Equal(Ids(16, 20), (await Claimed(rows, Run("e-3"))).SelectMany(b => b));

        // A test looks without claiming; the next live execution still gets those rows.
        Assert.Equal(Ids(21, 25), await rows.UnclaimedAsync(Run("t-1"), Ids(1, 25)));
        Assert.Empty(await Claimed(rows, Run("t-1")));
        await rows.ClaimAsync(Run("e-4"), Ids(1, 25));
        Assert.Equal(Ids(21, 25), (await Claimed(rows, Run("e-4"))).SelectMany(b => b));
        // Another activity of the campaign claims apart.
        await rows.ClaimAsync(new IncrementalQuery("c-1", "other", "e-4"), Ids(1, 3));
        Assert.Equal([Ids(1, 3)], await Claimed(rows, new IncrementalQuery("c-1", "other", "e-4")));
    }

    [Fact]
    public async Task Executions_claiming_at_once_share_the_rows_without_overlap()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        await Task.WhenAll(Enumerable.Range(1, 6).Select(e => Task.Run(() => rows.ClaimAsync(Run($"e-{e}"), Ids(1, 5_000)))));
        var claims = await Task.WhenAll(Enumerable.Range(1, 6).Select(e => Claimed(rows, Run($"e-{e}"), 1_000)));
        Assert.Equal(Ids(1, 5_000), claims.SelectMany(c => c).SelectMany(b => b).Order());
    }

    [Fact]
    public async Task By_a_mark_each_execution_claims_the_rows_of_its_range_even_those_an_earlier_one_had()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        await rows.ClaimAsync(Run("e-1", byMark: true), Ids(1, 5));
        await rows.ClaimAsync(Run("e-2", byMark: true), Ids(3, 7)); // rows 3 to 5 changed: their mark is in e-2's range now
        await rows.ClaimAsync(Run("e-2", byMark: true), Ids(3, 4));
        Assert.Equal(Ids(1, 5), (await Claimed(rows, Run("e-1", byMark: true))).SelectMany(b => b));
        Assert.Equal(Ids(3, 7), (await Claimed(rows, Run("e-2", byMark: true))).SelectMany(b => b));
        Assert.Empty(await Claimed(rows, Run("e-1"))); // by id, nothing
    }

    [Fact]
    public async Task Two_executions_making_their_ranges_at_once_never_start_from_the_same_mark()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        Comparison<string> numbers = (a, b) => long.Parse(a).CompareTo(long.Parse(b));
        var highest = 0;
        var ranges = await Task.WhenAll(Enumerable.Range(1, 4).Select(e => Task.Run(() => rows.RangeAsync(Run($"e-{e}"), async () =>
        {
            await Task.Delay(100); // while the other executions ask
            return Interlocked.Add(ref highest, 10).ToString(); // rows keep coming: each later look sees a higher value
        }, numbers, keep: true))));
        // Whatever the order, each range starts where the one kept before it ended (one that read a lower highest than
        // that is empty): they chain, without overlap, and cover everything up to the highest read.
        var chain = ranges.OrderBy(r => long.Parse(r.To!)).ThenBy(r => r.From is null ? -1 : long.Parse(r.From)).ToArray();
        Assert.Null(chain[0].From);
        Assert.All(Enumerable.Range(1, chain.Length - 1), i => Assert.Equal(chain[i - 1].To, chain[i].From));
        Assert.Equal("40", chain[^1].To);
    }

    [Fact]
    public async Task Each_execution_reads_from_the_highest_mark_before_it_to_the_highest_value_when_it_first_ran()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        Comparison<string> numbers = (a, b) => long.Parse(a).CompareTo(long.Parse(b));
        Task<(string?, string?)> Range(string execution, string? highest, bool keep = true) =>
            rows.RangeAsync(Run(execution), () => Task.FromResult(highest), numbers, keep);

        Assert.Equal((null, (string?)null), await Range("e-0", null));
        Assert.Equal((null, "5"), await Range("e-1", "5"));
        Assert.Equal((null, "5"), await Range("e-1", "9")); // its rerun reads what it read
        Assert.Equal(("5", "9"), await Range("e-2", "9"));
        Assert.Equal(("9", "12"), await Range("t-1", "12", keep: false));
        Assert.Equal(("9", "10"), await Range("e-3", "10")); // 10 > 9 as numbers, not as text
        Assert.Equal(("10", "10"), await Range("e-4", "8")); // nothing new: an empty range
    }
}

public sealed class SqliteIncrementalRowsTests : IncrementalRowsContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-incremental-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIncrementalRowsTests(PostgresFixture postgres) : IncrementalRowsContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}
