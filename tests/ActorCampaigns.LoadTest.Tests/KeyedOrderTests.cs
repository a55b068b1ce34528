using ActorCampaigns.Engine.Activities;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.LoadTest.Tests;

/// <summary>The classic execution's random order in PostgreSQL is the engine's, for dense, sparse and 63-bit ids alike.</summary>
public sealed class KeyedOrderTests
{
    [Fact]
    public async Task PostgreSQL_computes_the_engines_random_key_for_any_bigint_id()
    {
        var random = new Random(1);
        long[] ids = [0, 1, 7, 70_000_006, 3_500_000_000, 4_294_967_295, 4_294_967_296, long.MaxValue, -1, long.MinValue,
            .. Enumerable.Range(0, 1000).Select(_ => random.NextInt64(long.MaxValue))];
        var seeds = new[] { Seeds.For("execution", "split", "control"), int.MinValue, -1, 0, int.MaxValue };
        await using var postgres = await TemporaryPostgres.StartAsync();
        try
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            foreach (var seed in seeds)
            {
                await using var command = new NpgsqlCommand($"SELECT {Seeds.RandomKeySql("id", seed)} FROM unnest(@ids) WITH ORDINALITY AS t(id, n) ORDER BY n", connection);
                command.Parameters.AddWithValue("ids", ids);
                var keys = new List<long>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    keys.Add(reader.GetInt64(0));
                Assert.Equal(ids.Select(id => Seeds.RandomKey(id, seed)), keys);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
        }
    }
}
