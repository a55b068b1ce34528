namespace ActorCampaigns.Data.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseTests(PostgresFixture postgres)
{
    [Fact]
    public async Task One_node_at_a_time_takes_a_lock_until_it_lets_go()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var (one, other) = (new PostgresDatabase(connectionString), new PostgresDatabase(connectionString));

        var held = await one.TryLockAsync(42, CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await other.TryLockAsync(42, CancellationToken.None));
        await using (var another = await other.TryLockAsync(43, CancellationToken.None))
            Assert.NotNull(another);
        await held.DisposeAsync();
        await using var next = await other.TryLockAsync(42, CancellationToken.None);
        Assert.NotNull(next);
    }
}
