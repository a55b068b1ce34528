using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using Xunit.Abstractions;

namespace ActorCampaigns.Data.Tests;

/// <summary>
/// One expression gives the same answer compiled for SQLite, compiled for PostgreSQL and evaluated in memory:
/// hundreds of generated expressions over generated profiles with nulls, non-ASCII text and pattern characters.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ExpressionAgreementTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const int Expressions = 600;
    private const int Profiles = 400;

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-agree-").FullName;

    [Theory]
    [InlineData(20261128)]
    [InlineData(7)]
    public async Task Sqlite_postgres_and_the_evaluator_agree(int seed)
    {
        var generator = new ExpressionGenerator(seed);
        var csv = ExpressionGenerator.Header + "\n" + string.Join("\n", Enumerable.Range(1, Profiles).Select(i => generator.ProfileLine(i * 3)));
        var sqlite = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_folder, $"profiles-{seed}.db")));
        var pg = new PostgresProfileStore(new PostgresDatabase(await postgres.CreateDatabaseAsync()));
        foreach (var store in new ProfileStore[] { sqlite, pg })
        {
            await store.InitializeAsync();
            var summary = await store.ImportCsvAsync(new StringReader(csv));
            Assert.Equal(Profiles, summary.Imported);
        }
        var schema = await sqlite.GetSchemaAsync();
        var scope = BindingScope.ForProfiles(schema);
        var context = EvaluationContext.At(new DateTime(2026, 11, 28, 10, 30, 0, DateTimeKind.Utc));
        var everyone = (await sqlite.StreamAsync(new ProfileQuery(null, context, schema.Attributes.Skip(1).Select(a => a.Name).ToList(), Profiles)).ToListAsync()).Single();
        var (sqliteEveryone, pgEveryone) = (await Ids(sqlite, null, context), await Ids(pg, null, context));
        Assert.Equal(sqliteEveryone, pgEveryone);

        var nonTrivial = 0;
        for (var i = 0; i < Expressions; i++)
        {
            var text = generator.Condition(depth: 4);
            var (filter, error) = Expression.CheckFilter(text, scope);
            Assert.True(error is null, $"{text}: {error}");
            var inMemory = everyone.Matching(filter, context).Select(row => everyone.Ids[row]).ToList();
            var inSqlite = await Ids(sqlite, filter, context);
            var inPostgres = await Ids(pg, filter, context);
            Assert.True(inMemory.SequenceEqual(inSqlite) && inMemory.SequenceEqual(inPostgres),
                $"disagreement on {text}: memory {inMemory.Count}, sqlite {inSqlite.Count}, postgres {inPostgres.Count}; " +
                $"first differing id {inMemory.Union(inSqlite).Union(inPostgres).Except(inMemory.Intersect(inSqlite).Intersect(inPostgres)).FirstOrDefault()}");
            if (inMemory.Count > 0 && inMemory.Count < Profiles)
                nonTrivial++;
        }
        output.WriteLine($"{nonTrivial} of {Expressions} expressions selected some but not all profiles");
        Assert.True(nonTrivial > Expressions / 5, $"only {nonTrivial} expressions were selective; the generator is too weak");
    }

    private static async Task<List<long>> Ids(ProfileStore store, Bound? filter, EvaluationContext context) =>
        (await store.StreamAsync(new ProfileQuery(filter, context, [], BatchSize: 97)).ToListAsync()).SelectMany(b => b.Ids).ToList();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
