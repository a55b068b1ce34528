using ActorCampaigns.Data.Audiences;

namespace ActorCampaigns.Data.Tests;

/// <summary>What the audience store does, on SQLite and PostgreSQL alike.</summary>
public abstract class AudienceStoreContract
{
    protected abstract Task<Database> CreateDatabaseAsync();

    private static async IAsyncEnumerable<long[]> Batches(params long[][] batches)
    {
        foreach (var batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    [Fact]
    public async Task An_audience_is_saved_read_back_and_replaced_wholly()
    {
        var audiences = new AudienceStore(await CreateDatabaseAsync());
        await audiences.InitializeAsync();
        Assert.Equal(5, await audiences.ReplaceAsync("vip", Batches([1, 2, 3], [], [8, 9])));
        await audiences.ReplaceAsync("other", Batches([4]));
        Assert.Equal([1L, 2, 3, 8, 9], (await audiences.ReadAsync("vip").ToListAsync()).SelectMany(b => b));

        Assert.Equal(1, await audiences.ReplaceAsync("vip", Batches([7])));
        Assert.Equal([7L], (await audiences.ReadAsync("vip").ToListAsync()).SelectMany(b => b));
        Assert.Equal([("other", 1L), ("vip", 1L)], (await audiences.ListAsync()).Select(a => (a.Name, a.Size)));
        Assert.True(await audiences.ExistsAsync("vip"));
        Assert.False(await audiences.ExistsAsync("nobody"));
        Assert.Empty(await audiences.ReadAsync("nobody").ToListAsync());
    }
}

public sealed class SqliteAudienceStoreTests : AudienceStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-aud-").FullName;

    protected override Task<Database> CreateDatabaseAsync() => Task.FromResult<Database>(new SqliteDatabase(Path.Combine(_folder, "data.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAudienceStoreTests(PostgresFixture postgres) : AudienceStoreContract
{
    protected override async Task<Database> CreateDatabaseAsync() => new PostgresDatabase(await postgres.CreateDatabaseAsync());
}
