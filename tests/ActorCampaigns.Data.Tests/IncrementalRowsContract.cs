using ActorCampaigns.Data.Populations;

namespace ActorCampaigns.Data.Tests;

/// <summary>What incremental queries output before, on SQLite and PostgreSQL alike.</summary>
public abstract class IncrementalRowsContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static IncrementalQuery Run(string execution) => new("c-1", "fresh", execution);

    private static long[] Ids(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => 1_000L * i + 7).ToArray();

    [Fact]
    public async Task Each_row_is_output_by_the_first_execution_that_claims_it_again_by_its_reruns_and_never_by_a_test()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        Assert.Equal(Ids(1, 10), await rows.ClaimAsync(Run("e-1"), Ids(1, 10), claim: true));
        Assert.Equal(Ids(11, 15), await rows.ClaimAsync(Run("e-2"), Ids(5, 15), claim: true));
        // e-1 again after a crash: its own rows, not e-2's.
        Assert.Equal(Ids(1, 10), await rows.ClaimAsync(Run("e-1"), Ids(1, 12), claim: true));
        // A test looks without claiming; the next live execution still gets those rows.
        Assert.Equal(Ids(16, 20), await rows.ClaimAsync(Run("t-1"), Ids(1, 20), claim: false));
        Assert.Equal(Ids(16, 20), await rows.ClaimAsync(Run("e-3"), Ids(1, 20), claim: true));
        Assert.Empty(await rows.ClaimAsync(Run("e-4"), Ids(1, 20), claim: true));
        Assert.Equal(Ids(1, 3), await rows.ClaimAsync(new IncrementalQuery("c-1", "other", "e-4"), Ids(1, 3), claim: true));
    }

    [Fact]
    public async Task Executions_claiming_at_once_share_the_rows_without_overlap()
    {
        var rows = new IncrementalRows(await CreateDatabaseAsync());
        await rows.InitializeAsync();
        var claims = await Task.WhenAll(Enumerable.Range(1, 6).Select(e => Task.Run(() => rows.ClaimAsync(Run($"e-{e}"), Ids(1, 5_000), claim: true))));
        Assert.Equal(Ids(1, 5_000), claims.SelectMany(c => c).Order());
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
