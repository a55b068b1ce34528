using System.Runtime.CompilerServices;
using ActorCampaigns.Data.Populations;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Audiences;

/// <summary>A saved audience: its name, how many profiles it holds and when it was last saved.</summary>
public sealed record SavedAudience(string Name, long Size, string SavedAt);

/// <summary>
/// Named audiences, written by saveAudience and read by readAudience: stored like worktables, one row per batch of
/// sorted ids. Saving replaces an audience wholly, in one transaction, so a reader sees the old one or the new one.
/// </summary>
public sealed class AudienceStore(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (blob, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS audiences (name {text} PRIMARY KEY, size {whole} NOT NULL, saved_at {text} NOT NULL);
            CREATE TABLE IF NOT EXISTS audience_batches (name {text} NOT NULL, batch {whole} NOT NULL, count {whole} NOT NULL, ids {blob} NOT NULL,
                PRIMARY KEY (name, batch));
            """, cancellationToken);
    }

    /// <summary>Replaces the audience <paramref name="name"/> by a population arriving as batches of ascending ids.</summary>
    public async Task<long> ReplaceAsync(string name, IAsyncEnumerable<long[]> population, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in new[] { "audience_batches", "audiences" })
        {
            await using var delete = Command(connection, $"DELETE FROM {table} WHERE name = @name", transaction);
            Parameter(delete, "@name", name);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        long size = 0, batch = 0;
        await foreach (var ids in population.WithCancellation(cancellationToken))
        {
            if (ids.Length == 0)
                continue;
            await using var insert = Command(connection, "INSERT INTO audience_batches (name, batch, count, ids) VALUES (@name, @batch, @count, @ids)", transaction);
            Parameter(insert, "@name", name);
            Parameter(insert, "@batch", batch++);
            Parameter(insert, "@count", (long)ids.Length);
            Parameter(insert, "@ids", IdBlob.Encode(ids));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            size += ids.Length;
        }
        await using (var index = Command(connection, "INSERT INTO audiences (name, size, saved_at) VALUES (@name, @size, @at)", transaction))
        {
            Parameter(index, "@name", name);
            Parameter(index, "@size", size);
            Parameter(index, "@at", DateTime.UtcNow.ToString("O"));
            await index.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return size;
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).Any(a => a.Name == name);

    /// <summary>The audience's ids in order, a batch at a time.</summary>
    public async IAsyncEnumerable<long[]> ReadAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT count, ids FROM audience_batches WHERE name = @name ORDER BY batch");
        Parameter(command, "@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return IdBlob.Decode((byte[])reader.GetValue(1), (int)reader.GetInt64(0));
    }

    public async Task<IReadOnlyList<SavedAudience>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT name, size, saved_at FROM audiences ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<SavedAudience>();
        while (await reader.ReadAsync(cancellationToken))
            list.Add(new SavedAudience(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return list;
    }
}
