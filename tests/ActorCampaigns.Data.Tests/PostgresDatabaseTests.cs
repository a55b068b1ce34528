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

    [Fact]
    public async Task Ending_the_sessions_of_a_departed_member_rolls_back_what_it_held_locked_and_leaves_the_others_alone()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var frozen = PostgresDatabase.NewSessionName();
        var (member, other) = (new PostgresDatabase(PostgresDatabase.ForMember(connectionString, frozen)),
            new PostgresDatabase(PostgresDatabase.ForMember(connectionString, PostgresDatabase.NewSessionName())));
        await using (var setup = await other.OpenAsync(CancellationToken.None))
        await using (var create = Database.Command(setup, "CREATE TABLE claims (batch bigint PRIMARY KEY)"))
            await create.ExecuteNonQueryAsync();
        // The member that froze holds a claim in a transaction it never ends.
        await using var held = await member.OpenAsync(CancellationToken.None);
        await using var transaction = await held.BeginTransactionAsync();
        await using (var claim = Database.Command(held, "INSERT INTO claims VALUES (7)", transaction))
            await claim.ExecuteNonQueryAsync();
        await using var survivor = await other.OpenAsync(CancellationToken.None);
        await using var insert = Database.Command(survivor, "INSERT INTO claims VALUES (7) ON CONFLICT DO NOTHING");
        var waiting = insert.ExecuteNonQueryAsync();
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);

        Assert.Equal(1, await other.EndSessionsOfAsync(frozen, CancellationToken.None));

        // The frozen member's insert rolled back: the survivor's goes in, and the survivor's session lives on.
        Assert.Equal(1, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await other.EndSessionsOfAsync(frozen, CancellationToken.None));
        await using var count = Database.Command(survivor, "SELECT COUNT(*) FROM claims");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
