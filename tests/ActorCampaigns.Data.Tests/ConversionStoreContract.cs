using ActorCampaigns.Data.Conversions;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Tests;

/// <summary>Conversion events, and the profiles they name, on SQLite and PostgreSQL alike.</summary>
public abstract class ConversionStoreContract
{
    protected abstract Task<(ProfileStore Profiles, ConversionStore Conversions)> CreateAsync();

    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Events_committed_by_group_commit_read_back_with_their_value_time_and_properties()
    {
        var (_, store) = await CreateAsync();
        var writer = new ConversionWriter(store);
        // More than one statement's worth, from concurrent requests: one batch or several, every event is kept, twice
        // when told twice (a purchase made twice).
        await Task.WhenAll(Enumerable.Range(0, 600).Select(i => writer.RecordAsync(
            [new ConversionEvent(7_000_000_001L + i % 3, "purchase", Noon.AddSeconds(i), i % 5 == 0 ? null : i * 0.5, i == 42 ? """{"sku":"A-1","ü":"é"}""" : null)])));
        await writer.DisposeAsync();

        var first = await store.OfProfileAsync(7_000_000_001L, "purchase");
        Assert.Equal(200, first.Count);
        Assert.Equal(Enumerable.Range(0, 600).Where(i => i % 3 == 0).Select(i => Noon.AddSeconds(i)), first.Select(e => e.At));
        Assert.Equal(Enumerable.Range(0, 600).Where(i => i % 3 == 0).Select(i => i % 5 == 0 ? (double?)null : i * 0.5), first.Select(e => e.Value));
        var withProperties = Assert.Single((await store.OfProfileAsync(7_000_000_001L, "purchase")).Concat(await store.OfProfileAsync(7_000_000_002L, "purchase"))
            .Concat(await store.OfProfileAsync(7_000_000_003L, "purchase")), e => e.Properties is not null);
        Assert.Equal("""{"sku":"A-1","ü":"é"}""", withProperties.Properties);
        Assert.Empty(await store.OfProfileAsync(7_000_000_001L, "signup"));
    }

    [Theory]
    [InlineData("did('purchase')", new long[] { 1, 2, 4 })]
    [InlineData("did('purchase', 'P7D')", new long[] { 1, 4 })]
    [InlineData("not did('purchase', 'P7D')", new long[] { 2, 3, 5 })]
    [InlineData("did('trial.started') and not did('purchase')", new long[] { 3 })]
    [InlineData("count(did('purchase')) >= 2", new long[] { 1, 4 })]
    [InlineData("count(did('purchase', 'P7D')) = 1", new long[] { 1, 4 })]
    [InlineData("sum(did('purchase', 'P30D'), value) > 50", new long[] { 1 })]
    [InlineData("sum(did('purchase'), value) = 0", new long[] { 3, 5 })]
    [InlineData("sum(did('purchase'), value) = 30.25", new long[] { 4 })]
    public async Task What_profiles_did_is_asked_in_filters_with_windows_counts_and_sums(string filter, long[] expected)
    {
        var (profiles, store) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email\n1,a@x.io\n2,b@x.io\n3,c@x.io\n4,d@x.io\n5,e@x.io\n"));
        await store.AppendAsync(
        [
            new ConversionEvent(1, "purchase", Noon.AddDays(-1), 40), new ConversionEvent(1, "purchase", Noon.AddDays(-20), 15.5),
            new ConversionEvent(2, "purchase", Noon.AddDays(-40), 99),
            new ConversionEvent(3, "trial.started", Noon.AddDays(-2)), new ConversionEvent(3, "purchased", Noon.AddDays(-2), 5),
            new ConversionEvent(4, "purchase", Noon.AddDays(-3), 30.25), new ConversionEvent(4, "purchase", Noon.AddDays(-60)),
        ]);
        var scope = BindingScope.ForProfiles(await profiles.GetSchemaAsync());
        var matching = new List<long>();
        foreach (var id in new long[] { 1, 2, 3, 4, 5 })
        {
            var (bound, error) = Expression.CheckFilter($"({filter}) and id = {id}", scope);
            Assert.Null(error);
            if (await profiles.CountAsync(bound, EvaluationContext.At(Noon.UtcDateTime)) == 1)
                matching.Add(id);
        }
        Assert.Equal(expected, matching);
    }

    [Fact]
    public async Task Which_ids_are_profiles_is_answered_for_ids_with_gaps_and_beyond_32_bits()
    {
        var (profiles, _) = await CreateAsync();
        await profiles.ImportCsvAsync(new StringReader("id,email\n3,a@x.io\n7000000001,b@x.io\n90,c@x.io\n"));
        Assert.Equal([3L, 90, 7_000_000_001L], (await profiles.ExistingAsync([3, 4, 90, 7_000_000_001L, 7_000_000_002L, -1])).Order());
        Assert.Empty(await profiles.ExistingAsync([]));
    }
}

public sealed class SqliteConversionStoreTests : ConversionStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-conversions-").FullName;

    protected override async Task<(ProfileStore, ConversionStore)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_folder, "data.db"));
        var (profiles, conversions) = (new SqliteProfileStore(database), new ConversionStore(database));
        await profiles.InitializeAsync();
        await conversions.InitializeAsync();
        return (profiles, conversions);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConversionStoreTests(PostgresFixture postgres) : ConversionStoreContract
{
    protected override async Task<(ProfileStore, ConversionStore)> CreateAsync()
    {
        var database = new PostgresDatabase(await postgres.CreateDatabaseAsync());
        var (profiles, conversions) = (new PostgresProfileStore(database), new ConversionStore(database));
        await profiles.InitializeAsync();
        await conversions.InitializeAsync();
        return (profiles, conversions);
    }
}
