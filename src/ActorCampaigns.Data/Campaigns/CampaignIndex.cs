using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Campaigns;

/// <summary>
/// A campaign as the index lists it: its state lives in its entity, which writes a summary of it here as it changes
/// (JSON; none yet for a campaign whose entity has not written one since it was created or since this table came).
/// </summary>
public sealed record IndexedCampaign(string Id, string Name, string CreatedAt, string? Summary);

/// <summary>
/// The ids and names of the campaigns created through this data store, so the gateway can list them: sharded
/// entities cannot be enumerated cheaply, and the journal is the engine's own.
/// </summary>
public sealed class CampaignIndex(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, _, text) = database.Types;
        await database.CreateTablesAsync($"CREATE TABLE IF NOT EXISTS campaigns (id {text} PRIMARY KEY, name {text} NOT NULL, created_at {text} NOT NULL)",
            cancellationToken);
        await database.CreateTablesAsync(
            $"CREATE TABLE IF NOT EXISTS campaign_summaries (id {text} PRIMARY KEY, summary {text} NOT NULL, updated_at {text} NOT NULL)", cancellationToken);
    }

    public Task AddAsync(string id, string name, CancellationToken cancellationToken = default) =>
        UpsertAsync("INSERT INTO campaigns (id, name, created_at) VALUES (@id, @value, @at) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            id, name, cancellationToken);

    /// <summary>Replaces the summary of campaign <paramref name="id"/>.</summary>
    public Task SaveSummaryAsync(string id, string summary, CancellationToken cancellationToken = default) =>
        UpsertAsync("INSERT INTO campaign_summaries (id, summary, updated_at) VALUES (@id, @value, @at) " +
            "ON CONFLICT (id) DO UPDATE SET summary = excluded.summary, updated_at = excluded.updated_at", id, summary, cancellationToken);

    /// <summary>Runs <paramref name="sql"/> with the campaign's <c>@id</c>, a <c>@value</c> and the time now as <c>@at</c>.</summary>
    private async Task UpsertAsync(string sql, string id, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        Parameter(command, "@id", id);
        Parameter(command, "@value", value);
        Parameter(command, "@at", DateTime.UtcNow.ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<IndexedCampaign>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT c.id, c.name, c.created_at, s.summary FROM campaigns c LEFT JOIN campaign_summaries s ON s.id = c.id ORDER BY c.created_at DESC, c.id LIMIT @limit");
        Parameter(command, "@limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<IndexedCampaign>();
        while (await reader.ReadAsync(cancellationToken))
            list.Add(new IndexedCampaign(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return list;
    }
}
