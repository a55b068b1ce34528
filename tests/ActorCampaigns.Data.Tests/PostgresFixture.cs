using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.Data.Tests;

/// <summary>One throwaway PostgreSQL server for the test run; each test gets a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private TemporaryPostgres? _server;
    private int _databases;

    public async Task InitializeAsync() => _server = await TemporaryPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(_server!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name }.ToString();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
