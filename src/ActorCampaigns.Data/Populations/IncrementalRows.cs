using System.Data.Common;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Populations;

/// <summary>
/// One execution of an incremental query (an activity of a campaign, run by its executions one after the other), by id
/// or by a column's high-water mark (<paramref name="ByMark"/>).
/// </summary>
public sealed record IncrementalQuery(string Campaign, string Activity, string Execution, bool ByMark = false);

/// <summary>
/// What incremental queries output. An execution first claims its rows, then outputs what it claimed:
/// <list type="bullet">
/// <item>By id, each row is claimed by the first execution that streams it (<c>incremental_rows</c>), so no row is output
/// by two executions.</item>
/// <item>By a column, each execution keeps its range (<c>incremental_marks</c>): from the previous executions' highest
/// mark to the highest value when it first ran; the rows it found in that range are its claims (<c>incremental_range_rows</c>).</item>
/// </list>
/// Once the claims are whole the execution is marked claimed (<c>incremental_claimed</c>); from then on a run of it
/// (after a crash, a restart, a resume) claims nothing more and outputs the same rows in the same batches, whatever
/// changed in the data meanwhile. A run stopped while claiming claims again (what it claimed stays its own).
/// Test executions read and claim nothing.
/// </summary>
public sealed class IncrementalRows(Database database)
{
    private const int RowsPerStatement = 2_000;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS incremental_rows (
                campaign {text} NOT NULL, activity {text} NOT NULL, row_id {whole} NOT NULL, execution {text} NOT NULL,
                PRIMARY KEY (campaign, activity, row_id));
            CREATE INDEX IF NOT EXISTS incremental_rows_by_execution ON incremental_rows (campaign, activity, execution, row_id);
            CREATE TABLE IF NOT EXISTS incremental_marks (
                campaign {text} NOT NULL, activity {text} NOT NULL, execution {text} NOT NULL, from_mark {text}, to_mark {text},
                PRIMARY KEY (campaign, activity, execution));
            CREATE TABLE IF NOT EXISTS incremental_range_rows (
                campaign {text} NOT NULL, activity {text} NOT NULL, execution {text} NOT NULL, row_id {whole} NOT NULL,
                PRIMARY KEY (campaign, activity, execution, row_id));
            CREATE TABLE IF NOT EXISTS incremental_claimed (
                campaign {text} NOT NULL, activity {text} NOT NULL, execution {text} NOT NULL,
                PRIMARY KEY (campaign, activity, execution));
            """, cancellationToken);
    }

    /// <summary>Whether this execution's claims are whole: a run of it outputs them and claims nothing more.</summary>
    public async Task<bool> IsClaimedAsync(IncrementalQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT 1 FROM incremental_claimed WHERE campaign = @campaign AND activity = @activity AND execution = @execution");
        Key(select, query);
        return await select.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Claims <paramref name="rows"/> for this execution, in one transaction: by id, those no execution claimed yet;
    /// by a column, all of them (they are in its range).
    /// </summary>
    public async Task ClaimAsync(IncrementalQuery query, IReadOnlyList<long> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
            return;
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        var into = query.ByMark ? "incremental_range_rows (campaign, activity, execution, row_id)" : "incremental_rows (campaign, activity, execution, row_id)";
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var insert = Command(connection, sqlite
                ? $"INSERT INTO {into} SELECT @campaign, @activity, @execution, value FROM json_each(@ids) WHERE true ON CONFLICT DO NOTHING"
                : $"INSERT INTO {into} SELECT @campaign, @activity, @execution, unnest(@ids) ON CONFLICT DO NOTHING",
                transaction);
            Key(insert, query);
            Parameter(insert, "@ids", sqlite ? $"[{string.Join(',', chunk)}]" : chunk);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Marks this execution's claims whole.</summary>
    public async Task CloseAsync(IncrementalQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO incremental_claimed (campaign, activity, execution) VALUES (@campaign, @activity, @execution) ON CONFLICT DO NOTHING");
        Key(insert, query);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows this execution claimed, ascending, in batches of <paramref name="batchSize"/>: the same batches on every run once it is claimed.</summary>
    public IAsyncEnumerable<long[]> ClaimedAsync(IncrementalQuery query, int batchSize, CancellationToken cancellationToken = default) =>
        database.IdPagesAsync(query.ByMark ? "incremental_range_rows" : "incremental_rows", "row_id",
            "campaign = @campaign AND activity = @activity AND execution = @execution", command => Key(command, query), batchSize, cancellationToken);

    /// <summary>Of <paramref name="rows"/> (ascending), those no execution claimed by id: what a test run would output, looking only.</summary>
    public async Task<long[]> UnclaimedAsync(IncrementalQuery query, IReadOnlyList<long> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
            return [];
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        var claimed = new HashSet<long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var select = Command(connection, "SELECT row_id FROM incremental_rows WHERE campaign = @campaign AND activity = @activity AND " +
                (sqlite ? "row_id IN (SELECT value FROM json_each(@ids))" : "row_id = ANY(@ids)"));
            Key(select, query);
            Parameter(select, "@ids", sqlite ? $"[{string.Join(',', chunk)}]" : chunk);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                claimed.Add(reader.GetInt64(0));
        }
        return rows.Where(r => !claimed.Contains(r)).ToArray();
    }

    /// <summary>
    /// The range this execution reads, (from, to]: kept from its first run, or now made from the previous executions'
    /// highest mark and <paramref name="highest"/> (the highest value there is now, invariant text; null: no rows) and
    /// kept unless <paramref name="keep"/> is false (a test). Kept under the query's lock, so each range starts where the
    /// one kept before it ended (an execution that read a lower highest than that gets an empty range) and two runs of
    /// one execution read one range. Marks compare as <paramref name="compare"/> says.
    /// </summary>
    public async Task<(string? From, string? To)> RangeAsync(IncrementalQuery query, Func<Task<string?>> highest, Comparison<string> compare, bool keep,
        CancellationToken cancellationToken = default)
    {
        // Read before the lock: on SQLite the lock is the writer's, which a long scan must not hold.
        var now = await highest();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Dialect == SqlDialect.PostgreSql)
        {
            await using var lockQuery = Command(connection, "SELECT pg_advisory_xact_lock(hashtext('incremental query ' || @campaign || ' ' || @activity))", transaction);
            Key(lockQuery, query);
            await lockQuery.ExecuteNonQueryAsync(cancellationToken);
        }
        string? from = null;
        await using (var marks = Command(connection, "SELECT execution, from_mark, to_mark FROM incremental_marks WHERE campaign = @campaign AND activity = @activity", transaction))
        {
            Key(marks, query);
            await using var reader = await marks.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(0) == query.Execution)
                    return (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                if (!reader.IsDBNull(2) && (from is null || compare(reader.GetString(2), from) > 0))
                    from = reader.GetString(2);
            }
        }
        var to = now is not null && (from is null || compare(now, from) > 0) ? now : from;
        if (!keep)
            return (from, to);
        await using (var insert = Command(connection, "INSERT INTO incremental_marks (campaign, activity, execution, from_mark, to_mark) " +
            "VALUES (@campaign, @activity, @execution, @from, @to)", transaction))
        {
            Key(insert, query);
            Parameter(insert, "@from", from);
            Parameter(insert, "@to", to);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (from, to);
    }

    /// <summary>The executions that hold what only their runs need (the rows of their range, whether their claims are whole), for retention.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsInAsync(OfRuns.Select(t => t.Table), cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> of an ended execution's range rows, then its claimed mark; how many it
    /// deleted. What the query remembers for the next executions (claims by id, marks) stays.
    /// </summary>
    public Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync(OfRuns, campaign, execution, limit, cancellationToken);

    /// <summary>What only an execution's runs need, with the rest of each key; the mark of being whole last.</summary>
    private static readonly (string Table, string KeyRest)[] OfRuns = [("incremental_range_rows", "activity, row_id"), ("incremental_claimed", "activity")];

    private static void Key(DbCommand command, IncrementalQuery query)
    {
        Parameter(command, "@campaign", query.Campaign);
        Parameter(command, "@activity", query.Activity);
        Parameter(command, "@execution", query.Execution);
    }
}
