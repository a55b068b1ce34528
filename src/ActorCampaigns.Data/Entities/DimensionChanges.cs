using ActorCampaigns.Data.Files;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Entities;

/// <summary>What a change of an entity's rows to profiles found: rows read, profiles they link to.</summary>
public sealed record DimensionChangeSummary(long Rows, long Profiles);

/// <summary>
/// What changes of an entity's rows to profiles computed, per execution: each profile with its aggregates as a JSON
/// object (<c>changed_profiles</c>, whose values ride along with the profile as <see cref="Domain.Expressions.BoundAggregateColumn"/>),
/// and which changes are whole (<c>dimension_changes</c>). Written in chunks, then closed; a run of the execution again
/// outputs what was kept, whatever the rows became meanwhile; one stopped midway starts over.
/// </summary>
public sealed class DimensionChanges(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS changed_profiles (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, profile_id {whole} NOT NULL, row_values {text} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, profile_id));
            CREATE TABLE IF NOT EXISTS dimension_changes (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, rows_read {whole} NOT NULL, profiles {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity));
            """, cancellationToken);
    }

    /// <summary>What the change found, once whole; null while it is not.</summary>
    public async Task<DimensionChangeSummary?> DoneAsync(ExecutionActivity key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT rows_read, profiles FROM dimension_changes WHERE {ExecutionActivity.Where}");
        key.Bind(select);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new DimensionChangeSummary(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Forgets what a change stopped midway wrote, so it starts over.</summary>
    public Task ClearAsync(ExecutionActivity key, CancellationToken cancellationToken = default) =>
        key.ClearAsync(database, Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Writes a chunk of profiles, each with its aggregates (a JSON object), in one transaction.</summary>
    public async Task AppendAsync(ExecutionActivity key, IReadOnlyList<(long Profile, string Values)> profiles, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO changed_profiles (campaign, execution, activity, profile_id, row_values) " +
            "VALUES (@campaign, @execution, @activity, @profile, @values)", transaction);
        key.Bind(insert);
        var (profile, values) = (Parameter(insert, "@profile", 0L), Parameter(insert, "@values", ""));
        foreach (var (id, json) in profiles)
        {
            (profile.Value, values.Value) = (id, json);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Marks the change whole, with what it found.</summary>
    public async Task CloseAsync(ExecutionActivity key, DimensionChangeSummary summary, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO dimension_changes (campaign, execution, activity, rows_read, profiles) " +
            "VALUES (@campaign, @execution, @activity, @rows, @profiles) ON CONFLICT DO NOTHING");
        key.Bind(insert);
        Parameter(insert, "@rows", summary.Rows);
        Parameter(insert, "@profiles", summary.Profiles);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The profiles, ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> ProfilesAsync(ExecutionActivity key, int batchSize, CancellationToken cancellationToken = default) =>
        database.IdPagesAsync("changed_profiles", "profile_id", ExecutionActivity.Where, key.Bind, batchSize, cancellationToken);

    /// <summary>The executions that hold changes, for retention.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsInAsync(Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> rows of an ended execution's changes (profiles, then the marks); how many it deleted.</summary>
    public Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync(Tables, campaign, execution, limit, cancellationToken);

    /// <summary>What a change keeps, with the rest of each key; the mark of being whole last.</summary>
    private static readonly (string Table, string KeyRest)[] Tables = [("changed_profiles", "activity, profile_id"), ("dimension_changes", "activity")];
}
