using System.Data.Common;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Files;

/// <summary>What a reconciliation found: profiles (or rows of the entity it matches to) matched, rows that matched none.</summary>
public sealed record ReconciliationSummary(long Matched, long Unmatched);

/// <summary>
/// What reconciliations matched, per execution: each profile matched with the line of the first row that matched it
/// (<c>reconciled_profiles</c>, whose columns ride along with it), the rows that matched none
/// (<c>reconciled_unmatched</c>), and which are whole (<c>reconciliations</c>). A reconciliation to an entity keeps the
/// ids of that entity's rows as <c>profile_id</c>, and one taking an entity's rows keeps their ids as <c>line</c>. Written in chunks, then closed; a run
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
    public async Task<ReconciliationSummary?> DoneAsync(ExecutionActivity key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT matched, unmatched FROM reconciliations WHERE {Where}");
        key.Bind(select);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ReconciliationSummary(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Forgets what a reconciliation stopped midway wrote, so it starts over.</summary>
    public Task ClearAsync(ExecutionActivity key, CancellationToken cancellationToken = default) =>
        key.ClearAsync(database, Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Writes a chunk of what was found (profile and the line that matched it; lines that matched none), in one transaction.</summary>
    public async Task AppendAsync(ExecutionActivity key, IReadOnlyList<(long Profile, long Line)> matched, IReadOnlyList<long> unmatched,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO reconciled_profiles (campaign, execution, activity, profile_id, line) " +
            "VALUES (@campaign, @execution, @activity, @profile, @line)", transaction))
        {
            key.Bind(insert);
            var (profile, line) = (Parameter(insert, "@profile", 0L), Parameter(insert, "@line", 0L));
            foreach (var match in matched)
            {
                (profile.Value, line.Value) = (match.Profile, match.Line);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var insert = Command(connection, "INSERT INTO reconciled_unmatched (campaign, execution, activity, line) VALUES (@campaign, @execution, @activity, @line)", transaction))
        {
            key.Bind(insert);
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
    public async Task CloseAsync(ExecutionActivity key, ReconciliationSummary summary, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO reconciliations (campaign, execution, activity, matched, unmatched) " +
            "VALUES (@campaign, @execution, @activity, @matched, @unmatched) ON CONFLICT DO NOTHING");
        key.Bind(insert);
        Parameter(insert, "@matched", summary.Matched);
        Parameter(insert, "@unmatched", summary.Unmatched);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The profiles matched, ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> MatchedAsync(ExecutionActivity key, int batchSize, CancellationToken cancellationToken = default) =>
        IdsAsync(key, "reconciled_profiles", "profile_id", batchSize, cancellationToken);

    /// <summary>The lines of the rows that matched no profile, ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> UnmatchedAsync(ExecutionActivity key, int batchSize, CancellationToken cancellationToken = default) =>
        IdsAsync(key, "reconciled_unmatched", "line", batchSize, cancellationToken);

    /// <summary>The executions that hold reconciliations, for retention.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsInAsync(Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> rows of an ended execution's reconciliations (matches, rows unmatched, then the marks); how many it deleted.</summary>
    public Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync(Tables, campaign, execution, limit, cancellationToken);

    private IAsyncEnumerable<long[]> IdsAsync(ExecutionActivity key, string table, string column, int batchSize, CancellationToken cancellationToken) =>
        database.IdPagesAsync(table, column, Where, key.Bind, batchSize, cancellationToken);

    /// <summary>What a reconciliation keeps, with the rest of each key; the mark of being whole last.</summary>
    private static readonly (string Table, string KeyRest)[] Tables =
        [("reconciled_profiles", "activity, profile_id"), ("reconciled_unmatched", "activity, line"), ("reconciliations", "activity")];

    private const string Where = ExecutionActivity.Where;
}
