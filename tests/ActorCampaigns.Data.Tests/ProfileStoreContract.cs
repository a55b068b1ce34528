using ActorCampaigns.Data.Csv;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using CsCheck;

namespace ActorCampaigns.Data.Tests;

/// <summary>What every profile store does, run against SQLite and PostgreSQL alike.</summary>
public abstract class ProfileStoreContract
{
    protected abstract Task<ProfileStore> CreateStoreAsync();

    private static readonly EvaluationContext Context = EvaluationContext.At(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc));

    private static Task<ImportSummary> Import(ProfileStore store, string csv) => store.ImportCsvAsync(new StringReader(csv));

    private const string Good = """
        id,email,country,birthDate,createdAt,emailOptIn,loyaltyTier:string,lifetimeValue:number
        1,ann@example.com,FR,1990-05-01,2024-01-02T03:04:05Z,true,gold,120.5
        2,bob@example.com,DE,2001-12-31,2025-06-07T08:09:10+02:00,false,,0
        3,,FR,,,1,silver,
        """;

    [Fact]
    public async Task Import_creates_custom_attributes_and_keeps_typed_values()
    {
        var store = await CreateStoreAsync();
        var summary = await Import(store, Good);
        Assert.Equal((3L, 0L, 0L), (summary.Imported, summary.Updated, summary.Rejected));
        var schema = await store.GetSchemaAsync();
        Assert.Equal(AttributeType.Number, schema.Find("lifetimeValue")!.Type);
        var bob = await store.GetProfileAsync(2);
        Assert.Equal("bob@example.com", bob!["email"]);
        Assert.Equal(new DateOnly(2001, 12, 31), bob["birthDate"]);
        Assert.Equal(new DateTime(2025, 6, 7, 6, 9, 10, DateTimeKind.Utc), bob["createdAt"]);
        Assert.Equal(false, bob["emailOptIn"]);
        Assert.Null(bob["loyaltyTier"]);
        Assert.Equal(0.0, bob["lifetimeValue"]);
        Assert.Null(await store.GetProfileAsync(99));
    }

    [Fact]
    public async Task Bad_lines_are_rejected_with_line_and_reason_and_good_lines_are_kept()
    {
        var store = await CreateStoreAsync();
        var summary = await Import(store, """
            id,email,birthDate,emailOptIn,score:int
            1,a@x.io,1990-01-01,true,5
            two,b@x.io,1990-01-01,true,5
            3,c@x.io,1990-02-30,true,5
            4,d@x.io,1990-01-01,maybe,5
            ,e@x.io,1990-01-01,true,5
            6,f@x.io,1990-01-01,true
            7,"g@x.io
            on two lines",1990-01-01,true,7
            1,dup@x.io,1990-01-01,true,5
            8,h@x.io,1990-01-01,true,5.5
            9,"=cmd|' /C calc'!A0",,,
            10,"broken,1990-01-01,true,5
            """);
        Assert.Equal(3, summary.Imported);
        Assert.Equal(
        [
            new RejectedLine(3, "id: 'two' is not a valid int"),
            new RejectedLine(4, "birthDate: '1990-02-30' is not a valid date"),
            new RejectedLine(5, "emailOptIn: 'maybe' is not a valid bool"),
            new RejectedLine(6, "id is missing"),
            new RejectedLine(7, "has 4 fields, the header has 5"),
            new RejectedLine(11, "score: '5.5' is not a valid int"),
            new RejectedLine(13, "the quote opening field 2 on line 13 is never closed before the end of the file"),
            new RejectedLine(10, "duplicate id 1: already on an earlier line of this file"),
        ], summary.Errors.OrderBy(e => e.Reason.StartsWith("duplicate")).ToList());
        Assert.Equal(8, summary.Rejected);
        Assert.Equal("g@x.io\non two lines", (await store.GetProfileAsync(7))!["email"]);
        Assert.Equal("a@x.io", (await store.GetProfileAsync(1))!["email"]);
        Assert.Equal("=cmd|' /C calc'!A0", (await store.GetProfileAsync(9))!["email"]);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_a_nul_and_an_overlong_line_reject_their_lines_only()
    {
        var store = await CreateStoreAsync();
        var overlong = string.Join(",", Enumerable.Repeat(new string('x', 60_000), 20));
        var csv = System.Text.Encoding.Latin1.GetBytes(
            $"id,email,note\n1,a@x.io,ok\n2,\u00C3(@x.io,x\n3,c@x.io,a\0b\n4,d@x.io,{overlong}\n5,\"=cmd|' /C calc'!A0\",\n");
        var summary = await store.ImportCsvAsync(new MemoryStream(csv));
        Assert.Equal((2L, 3L), (summary.Imported, summary.Rejected));
        Assert.Equal([3L, 4L, 5L], summary.Errors.Select(e => e.Line));
        Assert.Equal("not valid UTF-8 (byte 0xC3 at byte offset 2 of the line)", summary.Errors[0].Reason);
        Assert.Contains("NUL", summary.Errors[1].Reason);
        Assert.Contains("the line is longer than", summary.Errors[2].Reason);
        Assert.Equal("=cmd|' /C calc'!A0", (await store.GetProfileAsync(5))!["email"]);
    }

    [Fact]
    public async Task A_header_of_random_bytes_or_an_overlong_name_refuses_the_file_and_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var random = new byte[10_000];
        new Random(4).NextBytes(random);
        Assert.StartsWith("bad CSV header", (await Assert.ThrowsAsync<ImportRefusedException>(() => store.ImportCsvAsync(new MemoryStream(random)))).Message);
        var overlong = await Assert.ThrowsAsync<ImportRefusedException>(() => Import(store, $"id,{new string('a', 64)}\n1,x\n"));
        Assert.Contains($"an attribute name has at most {ImportHeader.MaxNameLength} characters", overlong.Message);
        Assert.Equal(0, await store.CountAsync(null, Context));
    }

    /// <summary>Field values good and hostile: typed values and junk, quoting gone wrong, bytes that are not UTF-8, NUL.</summary>
    private static readonly byte[][] Values =
    [
        .. new[] { "1", "-7", "42", "x", "", "2024-02-29", "2024-02-30", "true", "maybe", "1e308", "1e999", "99999999999999999999",
            "\"q,\"\"\"", "\"open", "\"a\nb\"", "a\"b", "é😀", "=cmd|' /C calc'!A0", "\r" }.Select(v => System.Text.Encoding.UTF8.GetBytes(v)),
        [0xFF], [0xC3, (byte)'('], [0], [0xED, 0xA0, 0x80],
    ];

    [Fact]
    public async Task Hostile_lines_never_fail_an_import_and_each_line_is_imported_updated_or_rejected()
    {
        var store = await CreateStoreAsync();
        Gen.Select(Gen.Int[0, Values.Length - 1].Array[1, 7].Array[0, 25], Gen.Bool).Sample((rows, crlf) =>
        {
            var csv = new List<byte>(System.Text.Encoding.UTF8.GetBytes("id,email,score:int,born:date,flag:bool,value:number"));
            foreach (var row in rows)
            {
                csv.AddRange(crlf ? "\r\n"u8 : "\n"u8);
                csv.AddRange(row.SelectMany((value, i) => i == 0 ? Values[value] : [(byte)',', .. Values[value]]));
            }
            var records = new CsvReader(new MemoryStream(csv.ToArray())).ReadAll().Count() - 1;
            var summary = store.ImportCsvAsync(new MemoryStream(csv.ToArray())).GetAwaiter().GetResult();
            Assert.Equal(records, summary.Imported + summary.Updated + summary.Rejected);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task Reimport_updates_the_columns_it_names_and_leaves_the_others()
    {
        var store = await CreateStoreAsync();
        await Import(store, Good);
        var summary = await Import(store, """
            id,country,loyaltyTier
            1,BE,platinum
            4,IT,
            """);
        Assert.Equal((1L, 1L, 0L), (summary.Imported, summary.Updated, summary.Rejected));
        var ann = await store.GetProfileAsync(1);
        Assert.Equal(("BE", "platinum", "ann@example.com"), (ann!["country"], ann["loyaltyTier"], ann["email"]));
    }

    [Theory]
    [InlineData("email,country", "the header has no 'id' column")]
    [InlineData("id,email:int", "core attribute 'email' is string, not int")]
    [InlineData("id,size:huge", "unknown type 'huge'")]
    [InlineData("id,Email", "differs from existing attribute 'email' only by case")]
    [InlineData("id,\"drop table profiles; --\"", "must match [A-Za-z][A-Za-z0-9_]*")]
    [InlineData("id,like", "reserved word")]
    [InlineData("id,city,city", "appears twice")]
    public async Task A_bad_header_refuses_the_file_and_writes_nothing(string header, string reason)
    {
        var store = await CreateStoreAsync();
        var refused = await Assert.ThrowsAsync<ImportRefusedException>(() => Import(store, header + "\n1,x\n"));
        Assert.Contains(reason, refused.Message);
        Assert.Equal(0, await store.CountAsync(null, Context));
    }

    [Fact]
    public async Task Streams_matching_profiles_in_id_order_in_batches()
    {
        var store = await CreateStoreAsync();
        var lines = Enumerable.Range(0, 2_500).Select(i => $"{i * 7 - 5000},{(i % 3 == 0 ? "FR" : "DE")},{i % 5 == 0}");
        await Import(store, "id,country,emailOptIn\n" + string.Join("\n", lines));
        var (filter, _) = Expression.CheckFilter("country = 'FR' and not emailOptIn", BindingScope.ForProfiles(await store.GetSchemaAsync()));
        var batches = await store.StreamAsync(new ProfileQuery(filter, Context, ["country"], BatchSize: 100)).ToListAsync();
        var expected = Enumerable.Range(0, 2_500).Where(i => i % 3 == 0 && i % 5 != 0).Select(i => (long)(i * 7 - 5000)).ToList();
        Assert.Equal(expected, batches.SelectMany(b => b.Ids));
        Assert.All(batches.SkipLast(1), b => Assert.Equal(100, b.Count));
        Assert.All(batches, b => Assert.All(b.Column("country")!.Values, v => Assert.Equal("FR", v)));
        Assert.Equal(expected.Count, await store.CountAsync(filter, Context));
    }

    [Fact]
    public async Task Reads_the_columns_of_a_population_for_dense_and_sparse_batches()
    {
        var store = await CreateStoreAsync();
        await Import(store, "id,country,score:int\n" + string.Join("\n", Enumerable.Range(1, 1_000).Select(i => $"{i},{(i % 2 == 0 ? "FR" : "DE")},{i * 10}")));
        static async IAsyncEnumerable<long[]> Population()
        {
            await Task.Yield();
            yield return [2, 3, 4, 5, 6];
            yield return [10, 500, 999, 5_000];
            yield return [];
        }
        var batches = await store.ReadColumnsAsync(Population(), ["score", "country"]).ToListAsync();
        Assert.Equal(2, batches.Count);
        Assert.Equal([2L, 3, 4, 5, 6], batches[0].Ids);
        Assert.Equal([20L, 30L, 40L, 50L, 60L], batches[0].ValuesOf("score"));
        Assert.Equal([10L, 500, 999, 5_000], batches[1].Ids);
        Assert.Equal([100L, 5_000L, 9_990L, null], batches[1].ValuesOf("score"));
        Assert.Equal(["FR", "FR", "DE", null], batches[1].ValuesOf("country"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public async Task Reads_the_columns_of_a_population_over_ids_with_gaps_whether_its_ranges_hold_few_profiles_or_many(int every)
    {
        // Ids with gaps, as a CRM export has them: every 2nd profile's batches hold half the profiles of their range (read
        // as ranges), every 20th's a twentieth (read as lists of ids); both come back whole and aligned.
        var store = await CreateStoreAsync();
        var ids = Enumerable.Range(1, 2_000).Select(i => 7L * i + i % 7).ToList();
        await Import(store, "id,score:int\n" + string.Join("\n", ids.Select(id => $"{id},{id * 3}")));
        var population = ids.Where((_, i) => i % every == 0).ToList();
        async IAsyncEnumerable<long[]> Batches()
        {
            await Task.Yield();
            foreach (var batch in population.Chunk(100))
                yield return batch;
        }

        var batches = await store.ReadColumnsAsync(Batches(), ["score"]).ToListAsync();
        Assert.Equal(population, batches.SelectMany(b => b.Ids));
        Assert.Equal(population.Select(id => (object?)(id * 3)), batches.SelectMany(b => b.ValuesOf("score")));
    }

    [Fact]
    public async Task A_filter_literal_never_becomes_sql()
    {
        var store = await CreateStoreAsync();
        await Import(store, Good);
        var (filter, _) = Expression.CheckFilter("country = 'FR''; DROP TABLE profiles; --' or email like '%'' OR 1=1 --'",
            BindingScope.ForProfiles(await store.GetSchemaAsync()));
        Assert.Equal(0, await store.CountAsync(filter, Context));
        Assert.Equal(3, await store.CountAsync(null, Context));
    }
}

public sealed class SqliteProfileStoreTests : ProfileStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-test-").FullName;

    protected override async Task<ProfileStore> CreateStoreAsync()
    {
        var store = new SqliteProfileStore(new SqliteDatabase(Path.Combine(_folder, "profiles.db")));
        await store.InitializeAsync();
        return store;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresProfileStoreTests(PostgresFixture postgres) : ProfileStoreContract
{
    protected override async Task<ProfileStore> CreateStoreAsync()
    {
        var store = new PostgresProfileStore(new PostgresDatabase(await postgres.CreateDatabaseAsync()));
        await store.InitializeAsync();
        return store;
    }
}
