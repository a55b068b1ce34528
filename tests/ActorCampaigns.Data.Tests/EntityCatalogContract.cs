using System.Globalization;
using System.Text;
using ActorCampaigns.Data.Entities;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Tests;

/// <summary>Entities besides profiles (bookings), their import and the filters that read them with their profile, on SQLite and PostgreSQL alike.</summary>
public abstract class EntityCatalogContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static readonly string[] Countries = ["FR", "DE", "ES", "IT"];

    private static long ProfileId(int i) => 10_007L * i + i % 3 + 5;

    /// <summary>A CRM's profiles, ids with gaps, and a booking system's bookings of them: ids with gaps, amounts, dates; some of profiles long gone.</summary>
    private static (string Profiles, string Bookings, List<(long Id, long Profile, double Amount)> Rows) Data()
    {
        var profiles = new StringBuilder("id,email,country,emailOptIn\n");
        for (var i = 0; i < 1_000; i++)
            profiles.Append(CultureInfo.InvariantCulture, $"{ProfileId(i)},p{i}@example.com,{Countries[i % 4]},true\n");
        var bookings = new StringBuilder("id,profileId:link(profiles),amount:number,bookedOn:date\n");
        var rows = new List<(long, long, double)>();
        for (var b = 0; b < 5_000; b++)
        {
            var (id, profile, amount) = (900_000_000L + 7_919L * b + b % 11, b % 97 == 0 ? 42L : ProfileId(b * 7 % 1_000), (b * 37 % 400) + 0.5);
            bookings.Append(CultureInfo.InvariantCulture, $"{id},{profile},{amount},2026-{b % 12 + 1:00}-{b % 28 + 1:00}\n");
            rows.Add((id, profile, amount));
        }
        return (profiles.ToString(), bookings.ToString(), rows);
    }

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static Bound Filter(string filter, Entity entity, ProfileStore profiles)
    {
        var scope = BindingScope.ForEntity(entity.Rows.GetSchemaAsync().GetAwaiter().GetResult(), profiles.GetSchemaAsync().GetAwaiter().GetResult());
        var (bound, error) = Expression.CheckFilter(filter, scope);
        Assert.Null(error);
        return bound!;
    }

    private static readonly EvaluationContext Now = new(new DateTime(2026, 12, 2), new Dictionary<string, object?>());

    [Fact]
    public async Task Bookings_import_with_their_link_and_a_filter_reads_their_columns_and_their_profiles_as_plain_SQL_does()
    {
        var database = await CreateDatabaseAsync();
        var profiles = ProfileStore.Open(database);
        await profiles.InitializeAsync();
        var catalog = new EntityCatalog(database);
        await catalog.InitializeAsync();
        var (profileCsv, bookingCsv, rows) = Data();
        Assert.Equal(1_000, (await profiles.ImportCsvAsync(Utf8(profileCsv))).Imported);

        var summary = await catalog.ImportCsvAsync("bookings", Utf8(bookingCsv));
        Assert.Equal((5_000L, 0L, 0L), (summary.Imported, summary.Updated, summary.Rejected));
        var bookings = Assert.Single(await catalog.ListAsync());
        Assert.Equal(("bookings", "profileId"), (bookings.Name, bookings.Link));

        var filter = Filter("profile.country = 'FR' and amount > 100", bookings, profiles);
        var streamed = new List<long>();
        await foreach (var batch in bookings.Rows.StreamAsync(new ProfileQuery(filter, Now, [], BatchSize: 700)))
            streamed.AddRange(batch.Ids);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var plain = Command(connection, "SELECT b.id FROM entity_bookings b JOIN profiles p ON p.id = b.\"profileId\" " +
            "WHERE p.country = 'FR' AND b.amount > 100 ORDER BY b.id");
        var expected = new List<long>();
        await using (var reader = await plain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                expected.Add(reader.GetInt64(0));
        var french = Enumerable.Range(0, 1_000).Where(i => i % 4 == 0).Select(ProfileId).ToHashSet();
        Assert.Equal(rows.Where(r => french.Contains(r.Profile) && r.Amount > 100).Select(r => r.Id).Order(), expected);
        Assert.True(expected.Count > 500, $"{expected.Count} bookings");
        Assert.Equal(expected, streamed);
        Assert.Equal(expected.Count, await bookings.Rows.CountAsync(filter, Now));
        // A booking of a profile that is gone has its profile's attributes null.
        Assert.Equal(rows.Count(r => r.Profile == 42), await bookings.Rows.CountAsync(Filter("profile.email is null", bookings, profiles), Now));
        Assert.Equal(5_000, await bookings.Rows.CountAsync(null, Now));

        // A later import updates rows and adds a column; bad lines are rejected with their number, the others kept.
        var again = await catalog.ImportCsvAsync("bookings", Utf8($"id,amount:number,status\n{rows[0].Id},1000,paid\n1,abc,paid\n2,5,open\n"));
        Assert.Equal((1L, 1L, 1L), (again.Imported, again.Updated, again.Rejected));
        Assert.Equal(3, Assert.Single(again.Errors).Line);
        Assert.Equal(1, await bookings.Rows.CountAsync(Filter("status = 'paid' and amount = 1000", bookings, profiles), Now));
    }

    [Theory]
    [InlineData("bookings", "id,amount:number\n1,5\n", "the first import of 'bookings' declares the column that links each row to its profile")]
    [InlineData("bookings", "id,profileId:link(planets)\n1,5\n", "column 'profileId' links to 'planets': an entity's rows link to profiles")]
    [InlineData("bookings", "id,a:link(profiles),b:link(profiles)\n1,5,6\n", "the first import of 'bookings' declares the column that links")]
    [InlineData("Bookings", "id,profileId:link(profiles)\n1,5\n", "'Bookings' is not an entity name")]
    [InlineData("profiles", "id,profileId:link(profiles)\n1,5\n", "'profiles' is not an entity name")]
    [InlineData("b;drop table profiles", "id,profileId:link(profiles)\n1,5\n", "is not an entity name")]
    public async Task A_file_that_cannot_declare_an_entity_is_refused_and_nothing_is_kept(string name, string csv, string message)
    {
        var database = await CreateDatabaseAsync();
        await ProfileStore.Open(database).InitializeAsync();
        var catalog = new EntityCatalog(database);
        await catalog.InitializeAsync();
        var refused = await Assert.ThrowsAsync<ImportRefusedException>(() => catalog.ImportCsvAsync(name, Utf8(csv)));
        Assert.Contains(message, refused.Message);
        Assert.Empty(await catalog.ListAsync());
        Assert.Empty(await EntityTablesAsync(database));
    }

    private static async Task<List<string>> EntityTablesAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = Command(connection, database.Dialect == SqlDialect.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'entit%' AND name <> 'entities' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'entit%' AND table_name <> 'entities' ORDER BY 1");
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            tables.Add(reader.GetString(0));
        return tables;
    }

    [Fact]
    public async Task An_entity_named_like_anothers_catalogue_and_long_profile_attributes_work_alike()
    {
        var database = await CreateDatabaseAsync();
        var profiles = ProfileStore.Open(database);
        await profiles.InitializeAsync();
        var catalog = new EntityCatalog(database);
        await catalog.InitializeAsync();
        // Two attributes of 63 characters, alike in their first 60: PostgreSQL would cut "profile." and either to the same name.
        var (a, b) = (new string('a', 60) + "one", new string('a', 60) + "two");
        await profiles.ImportCsvAsync(Utf8($"id,{a},{b}\n1,x,y\n2,x,z\n"));
        await catalog.ImportCsvAsync("bookings", Utf8("id,profileId:link(profiles)\n10,1\n11,2\n"));
        await catalog.ImportCsvAsync("bookings_columns", Utf8("id,owner:link(profiles)\n20,2\n"));
        await catalog.ImportCsvAsync("bookings", Utf8("id,amount:int\n10,5\n"));

        var bookings = (await catalog.FindAsync("bookings"))!;
        Assert.Equal(1, await bookings.Rows.CountAsync(Filter($"profile.{a} = 'x' and profile.{b} = 'y' and amount = 5", bookings, profiles), Now));
        var other = (await catalog.FindAsync("bookings_columns"))!;
        Assert.Equal(["id", "owner"], (await other.Rows.GetSchemaAsync()).Attributes.Select(c => c.Name));
        Assert.Equal(1, await other.Rows.CountAsync(Filter($"profile.{b} = 'z'", other, profiles), Now));
    }

    [Fact]
    public async Task An_entity_keeps_its_link_and_profiles_take_none()
    {
        var database = await CreateDatabaseAsync();
        var profiles = ProfileStore.Open(database);
        await profiles.InitializeAsync();
        var catalog = new EntityCatalog(database);
        await catalog.InitializeAsync();
        await catalog.ImportCsvAsync("bookings", Utf8("id,profileId:link(profiles)\n1,5\n"));
        var other = await Assert.ThrowsAsync<ImportRefusedException>(() => catalog.ImportCsvAsync("bookings", Utf8("id,owner:link(profiles)\n2,5\n")));
        Assert.Contains("'bookings' links to profiles by 'profileId', not by 'owner'", other.Message);
        var linked = await Assert.ThrowsAsync<ImportRefusedException>(() => profiles.ImportCsvAsync(Utf8("id,friend:link(profiles)\n1,2\n")));
        Assert.Contains("profiles link to nothing", linked.Message);
        Assert.Equal(1, await (await catalog.FindAsync("bookings"))!.Rows.CountAsync(null, Now));
    }
}

public sealed class SqliteEntityCatalogTests : EntityCatalogContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-entities-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEntityCatalogTests(PostgresFixture postgres) : EntityCatalogContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}
