using System.Text;
using ActorCampaigns.Data.Entities;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Tests;

/// <summary>What changes of an entity's rows to profiles kept, and their aggregates read with the profiles, on SQLite and PostgreSQL alike.</summary>
public abstract class DimensionChangesContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static readonly ExecutionActivity Change = new("c-1", "e-1", "people");

    [Fact]
    public async Task Profiles_read_back_in_order_and_their_aggregates_are_read_with_them_typed_in_their_execution_only()
    {
        var database = await CreateDatabaseAsync();
        var profiles = ProfileStore.Open(database);
        await profiles.InitializeAsync();
        await profiles.ImportCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes("id,email\n70,a@example.com\n9,b@example.com\n123456789,c@example.com\n")));
        var changes = new DimensionChanges(database);
        await changes.InitializeAsync();
        Assert.Null(await changes.DoneAsync(Change));
        await changes.AppendAsync(Change, [(9, """{"stays":3,"spent":8,"last":"2026-03-01","hotel":"l'été"}"""), (70, """{"stays":1,"spent":57.25,"last":null,"hotel":null}""")]);
        await changes.AppendAsync(Change, [(123456789, """{"stays":2,"spent":1.5,"last":"2026-12-31","hotel":"\"x\""}""")]);
        await changes.AppendAsync(Change with { Execution = "e-2" }, [(9, """{"stays":99,"spent":0,"last":null,"hotel":null}""")]);
        await changes.CloseAsync(Change, new DimensionChangeSummary(7, 3));
        Assert.Equal(new DimensionChangeSummary(7, 3), await changes.DoneAsync(Change));
        Assert.Equal([[9L, 70L], [123456789L]], await changes.ProfilesAsync(Change, 2).ToListAsync());

        var context = new EvaluationContext(new DateTime(2026, 12, 2), new Dictionary<string, object?>(), new ExecutionScope("c-1", "e-1"));
        KeyValuePair<string, Bound> Column(string name, ExprType type) => new(name, new BoundAggregateColumn(type, "people", name));
        // A sum kept as 8 still divides as a number.
        var half = new KeyValuePair<string, Bound>("half", new BoundBinary(ExprType.Number, BinaryOperator.Divide,
            new BoundAggregateColumn(ExprType.Number, "people", "spent"), new BoundLiteral(ExprType.Int, 2L)));
        var rows = await ReadAsync(profiles, [9L, 70L, 123456789L], context,
            [Column("stays", ExprType.Int), Column("spent", ExprType.Number), Column("last", ExprType.String), Column("hotel", ExprType.String), half]);
        Assert.Equal([3L, 1L, 2L], rows.ValuesOf("stays"));
        Assert.Equal([8.0, 57.25, 1.5], rows.ValuesOf("spent"));
        Assert.Equal([4.0, 57.25 / 2, 0.75], rows.ValuesOf("half"));
        Assert.Equal(["2026-03-01", null, "2026-12-31"], rows.ValuesOf("last"));
        Assert.Equal(["l'été", null, "\"x\""], rows.ValuesOf("hotel"));

        // Another execution reads its own change; a profile it did not change has none.
        var other = await ReadAsync(profiles, [9L, 70L], context with { Execution = new ExecutionScope("c-1", "e-2") }, [Column("stays", ExprType.Int)]);
        Assert.Equal([99L, null], other.ValuesOf("stays"));

        await changes.ClearAsync(Change);
        Assert.Null(await changes.DoneAsync(Change));
        Assert.Empty(await changes.ProfilesAsync(Change, 10).ToListAsync());
        Assert.Equal([("c-1", "e-2")], await changes.ExecutionsAsync());
        Assert.Equal(1, await changes.DeleteExecutionAsync("c-1", "e-2", 10));
        Assert.Empty(await changes.ExecutionsAsync());
    }

    private static async Task<Domain.Populations.ProfileBatch> ReadAsync(ProfileStore profiles, long[] ids, EvaluationContext context,
        IReadOnlyList<KeyValuePair<string, Bound>> computed)
    {
        var read = new List<Domain.Populations.ProfileBatch>();
        await foreach (var batch in profiles.ReadColumnsAsync(Once(ids), [], default, computed, context))
            read.Add(batch);
        return read.Single();
    }

#pragma warning disable CS1998
    private static async IAsyncEnumerable<long[]> Once(long[] ids)
#pragma warning restore CS1998
    {
        yield return ids;
    }
}

public sealed class SqliteDimensionChangesTests : DimensionChangesContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-dimension-changes-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDimensionChangesTests(PostgresFixture postgres) : DimensionChangesContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}
