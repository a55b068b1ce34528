using ActorCampaigns.Data;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// When each passivated campaign with an occurrence ahead (a once or recurring schedule) is next due, in the node's
/// database (SQLite file or the cluster's PostgreSQL). A campaign writes its row as it passivates and removes it when
/// it passivates with nothing ahead; <see cref="CampaignWaker"/> reads the rows coming due and wakes their campaigns,
/// which then start the occurrence on their own clock. A row left behind by a campaign that is running again only
/// wakes it once more, which changes nothing.
/// </summary>
public sealed class CampaignWakeups(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"CREATE TABLE IF NOT EXISTS campaign_wakeups (id {text} PRIMARY KEY, due_ticks {whole} NOT NULL)",
            cancellationToken);
    }

    /// <summary>Campaign <paramref name="id"/> is to be woken for <paramref name="due"/> (UTC).</summary>
    public async Task SetAsync(string id, DateTime due, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO campaign_wakeups (id, due_ticks) VALUES (@id, @due) ON CONFLICT (id) DO UPDATE SET due_ticks = excluded.due_ticks");
        Parameter(command, "@id", id);
        Parameter(command, "@due", due.Ticks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Campaign <paramref name="id"/> has nothing ahead to be woken for.</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM campaign_wakeups WHERE id = @id");
        Parameter(command, "@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The campaigns due at or before <paramref name="until"/> (UTC).</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTime until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id FROM campaign_wakeups WHERE due_ticks <= @until ORDER BY due_ticks");
        Parameter(command, "@until", until.Ticks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
            due.Add(reader.GetString(0));
        return due;
    }
}
