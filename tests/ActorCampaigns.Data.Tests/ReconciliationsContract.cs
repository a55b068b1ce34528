using System.Text;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Tests;

/// <summary>What reconciliations kept, and the file columns riding along with the profiles matched, on SQLite and PostgreSQL alike.</summary>
public abstract class ReconciliationsContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static readonly ExecutionActivity Match = new("c-1", "e-1", "match");
    private static readonly ExecutionActivity Load = new("c-1", "e-1", "load");

    [Fact]
    public async Task Matches_read_back_in_profile_order_and_the_matched_rows_columns_are_read_with_the_profiles()
    {
        var database = await CreateDatabaseAsync();
        var profiles = ProfileStore.Open(database);
        await profiles.InitializeAsync();
        await profiles.ImportCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes("id,email\n70,a@example.com\n9,b@example.com\n123456789,c@example.com\n")));
        var (loads, reconciliations) = (new LoadedFiles(database), new Reconciliations(database));
        await loads.InitializeAsync();
        await reconciliations.InitializeAsync();
        await loads.AppendAsync(Load, new([new(2, """{"amount":57.25,"count":3,"note":"l'été, \"2\"","vip":true}"""),
            new(3, """{"amount":8,"count":null,"note":"x","vip":false}""")], []));
        await loads.AppendAsync(Load with { Execution = "e-2" }, new([new(2, """{"amount":1,"count":1,"note":"other execution","vip":false}""")], []));
        Assert.Null(await reconciliations.DoneAsync(Match));
        await reconciliations.AppendAsync(Match, [(9, 3), (70, 2)], [4, 5]);
        await reconciliations.AppendAsync(Match, [(123456789, 2)], [6]);
        await reconciliations.CloseAsync(Match, new(3, 3));
        Assert.Equal(new ReconciliationSummary(3, 3), await reconciliations.DoneAsync(Match));
        Assert.Equal([[9L, 70L], [123456789L]], await reconciliations.MatchedAsync(Match, 2).ToListAsync());
        Assert.Equal([[4L, 5L, 6L]], await reconciliations.UnmatchedAsync(Match, 10).ToListAsync());

        var context = new EvaluationContext(new DateTime(2026, 12, 2), new Dictionary<string, object?>(), new ExecutionScope("c-1", "e-1"));
        KeyValuePair<string, Bound> Column(string name, ExprType type) => new(name, new BoundFileColumn(type, "match", "load", name));
        var read = new List<Domain.Populations.ProfileBatch>();
        // A number kept as 8 still divides as a number (SQLite's json_extract gives a whole number).
        var third = new KeyValuePair<string, Bound>("third", new BoundBinary(ExprType.Number, BinaryOperator.Divide,
            new BoundFileColumn(ExprType.Number, "match", "load", "amount"), new BoundLiteral(ExprType.Int, 3L)));
        await foreach (var batch in profiles.ReadColumnsAsync(Once([9L, 70L, 123456789L]), ["email"], default,
            [Column("amount", ExprType.Number), Column("count", ExprType.Int), Column("note", ExprType.String), Column("vip", ExprType.Bool), third], context))
            read.Add(batch);
        var rows = read.Single();
        Assert.Equal([8.0, 57.25, 57.25], rows.ValuesOf("amount"));
        Assert.Equal([8 / 3.0, 57.25 / 3, 57.25 / 3], rows.ValuesOf("third").Cast<double>(), new Comparer9());
        Assert.Equal([null, 3L, 3L], rows.ValuesOf("count"));
        Assert.Equal(["x", "l'été, \"2\"", "l'été, \"2\""], rows.ValuesOf("note"));
        Assert.Equal([false, true, true], rows.ValuesOf("vip"));

        // Another execution reads its own reconciliation: here none, so nothing rides along.
        var other = new List<Domain.Populations.ProfileBatch>();
        await foreach (var batch in profiles.ReadColumnsAsync(Once([9L]), [], default, [Column("amount", ExprType.Number)],
            context with { Execution = new ExecutionScope("c-1", "e-2") }))
            other.Add(batch);
        Assert.Equal([null], other.Single().ValuesOf("amount"));

        await reconciliations.ClearAsync(Match);
        Assert.Null(await reconciliations.DoneAsync(Match));
        Assert.Empty(await reconciliations.MatchedAsync(Match, 10).ToListAsync());
    }

#pragma warning disable CS1998
    private static async IAsyncEnumerable<long[]> Once(long[] ids)
#pragma warning restore CS1998
    {
        yield return ids;
    }
}

public sealed class SqliteReconciliationsTests : ReconciliationsContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-reconciliations-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReconciliationsTests(PostgresFixture postgres) : ReconciliationsContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}

/// <summary>Numbers equal to 9 decimals.</summary>
internal sealed class Comparer9 : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

    public int GetHashCode(double value) => 0;
}
