using System.Security.Cryptography;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data;

/// <summary>
/// Secrets a node makes for itself when none is configured (the tracking key), kept in its database so they outlive
/// restarts and, on PostgreSQL, are the same for every node of a cluster: the first node to ask creates it.
/// </summary>
public sealed class NodeSecrets(Database database)
{
    public async Task<byte[]> GetOrCreateAsync(string name, int bytes, CancellationToken cancellationToken = default)
    {
        var (blob, _, text) = database.Types;
        await database.CreateTablesAsync($"CREATE TABLE IF NOT EXISTS node_secrets (name {text} PRIMARY KEY, secret {blob} NOT NULL)", cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO node_secrets (name, secret) VALUES (@name, @secret) ON CONFLICT DO NOTHING"))
        {
            Parameter(insert, "@name", name);
            Parameter(insert, "@secret", RandomNumberGenerator.GetBytes(bytes));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = Command(connection, "SELECT secret FROM node_secrets WHERE name = @name");
        Parameter(select, "@name", name);
        return (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }
}
