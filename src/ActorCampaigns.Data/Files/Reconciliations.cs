using System.Data.Common;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Files;

/// <summary>One reconciliation: a reconciliation activity in an execution of its campaign.</summary>
public sealed record Reconciliation(string Campaign, string Execution, string Activity);

/// <summary>What a reconciliation found: profiles matched, rows that matched none.</summary>
public sealed record ReconciliationSummary(long Matched, long Unmatched);

/// <summary>
/// What reconciliations matched, per execution: each profile matched with the line of the first row that matched it
/// (<c>reconciled_profiles</c>, whose columns ride along with it), the rows that matched none
/// (<c>reconciled_unmatched</c>), and which are whole (<c>reconciliations</c>). Written in chunks, then closed; a run
/// of the execution again outputs what was kept, whatever the profiles became meanwhile; one stopped midway starts over.
/// </summary>
public sealed class Reconciliations(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS reconciled_profiles (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, profile_id {whole} NOT NULL, line {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, profile_id));
            CREATE TABLE IF NOT EXISTS reconciled_unmatched (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, line {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, line));
            CREATE TABLE IF NOT EXISTS reconciliations (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, matched {whole} NOT NULL, unmatched {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity));
            """, cancellationToken);
    }

    /// <summary>What the reconciliation found, once whole; null while it is not.</summary>
    public async Task<ReconciliationSummary?> DoneAsync(Reconciliation key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT matched, unmatched FROM reconciliations WHERE {Where}");
        Key(select, key);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ReconciliationSummary(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Forgets what a reconciliation stopped midway wrote, so it starts over.</summary>
    public async Task ClearAsync(Reconciliation key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in Tables)
        {
            await using var delete = Command(connection, $"DELETE FROM {table} WHERE {Where}", transaction);
            Key(delete, key);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Writes a chunk of what was found (profile and the line that matched it; lines that matched none), in one transaction.</summary>
    public async Task AppendAsync(Reconciliation key, IReadOnlyList<(long Profile, long Line)> matched, IReadOnlyList<long> unmatched,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO reconciled_profiles (campaign, execution, activity, profile_id, line) " +
            "VALUES (@campaign, @execution, @activity, @profile, @line)", transaction))
        {
            Key(insert, key);
            var (profile, line) = (Parameter(insert, "@profile", 0L), Parameter(insert, "@line", 0L));
            foreach (var match in matched)
            {
                (profile.Value, line.Value) = (match.Profile, match.Line);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var insert = Command(connection, "INSERT INTO reconciled_unmatched (campaign, execution, activity, line) VALUES (@campaign, @execution, @activity, @line)", transaction))
        {
            Key(insert, key);
            var line = Parameter(insert, "@line", 0L);
            foreach (var row in unmatched)
            {
                line.Value = row;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Marks the reconciliation whole, with what it found.</summary>
    public async Task CloseAsync(Reconciliation key, ReconciliationSummary summary, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO reconciliations (campaign, execution, activity, matched, unmatched) " +
            "VALUES (@campaign, @execution, @activity, @matched, @unmatched) ON CONFLICT DO NOTHING");
        Key(insert, key);
        Parameter(insert, "@matched", summary.Matched);
        Parameter(insert, "@unmatched", summary.Unmatched);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The profiles matched, ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> MatchedAsync(Reconciliation key, int batchSize, CancellationToken cancellationToken = default) =>
        IdsAsync(key, "reconciled_profiles", "profile_id", batchSize, cancellationToken);

    /// <summary>The lines of the rows that matched no profile, ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> UnmatchedAsync(Reconciliation key, int batchSize, CancellationToken cancellationToken = default) =>
        IdsAsync(key, "reconciled_unmatched", "line", batchSize, cancellationToken);

    /// <summary>The executions that hold reconciliations, for retention.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync(string.Join(" UNION ", Tables.Select(t => $"SELECT campaign, execution FROM {t}")), cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> rows of an ended execution's reconciliations (matches, rows unmatched, then the marks); how many it deleted.</summary>
    public async Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var (table, rest) in new[] { ("reconciled_profiles", "activity, profile_id"), ("reconciled_unmatched", "activity, line"), ("reconciliations", "activity") })
        {
            if (deleted < limit)
                deleted += await database.DeleteOfExecutionAsync(table, rest, campaign, execution, limit - deleted, cancellationToken);
        }
        return deleted;
    }

    private IAsyncEnumerable<long[]> IdsAsync(Reconciliation key, string table, string column, int batchSize, CancellationToken cancellationToken) =>
        database.IdPagesAsync(table, column, Where, command => Key(command, key), batchSize, cancellationToken);

    private static readonly string[] Tables = ["reconciled_profiles", "reconciled_unmatched", "reconciliations"];

    private const string Where = "campaign = @campaign AND execution = @execution AND activity = @activity";

    private static void Key(DbCommand command, Reconciliation key)
    {
        Parameter(command, "@campaign", key.Campaign);
        Parameter(command, "@execution", key.Execution);
        Parameter(command, "@activity", key.Activity);
    }
}
