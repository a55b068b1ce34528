using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Populations;

/// <summary>One incremental query: an activity of a campaign, run by its executions one after the other.</summary>
public sealed record IncrementalQuery(string Campaign, string Activity, string Execution);

/// <summary>
/// What incremental queries output before. By id, each row is claimed by the first execution that outputs it
/// (<c>incremental_rows</c>): a run outputs the rows it claims, and a run of the same execution again (after a crash)
/// claims the same ones, so no row is lost or output twice across executions. By a column's high-water mark, each
/// execution keeps the range it reads (<c>incremental_marks</c>): from the previous executions' highest mark to the
/// highest value when it first ran, so its runs read the same range. Test executions read and claim nothing.
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
            CREATE TABLE IF NOT EXISTS incremental_marks (
                campaign {text} NOT NULL, activity {text} NOT NULL, execution {text} NOT NULL, from_mark {text}, to_mark {text},
                PRIMARY KEY (campaign, activity, execution));
            """, cancellationToken);
    }

    /// <summary>
    /// Of <paramref name="rows"/> (ascending), those this execution outputs: claimed now, or by an earlier run of it;
    /// <paramref name="claim"/> false (a test) only looks: those no execution claimed, or this one.
    /// </summary>
    public async Task<long[]> ClaimAsync(IncrementalQuery query, IReadOnlyList<long> rows, bool claim, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
            return [];
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var owners = new Dictionary<long, string>();
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var ids = sqlite ? (object)$"[{string.Join(',', chunk)}]" : chunk;
            if (claim)
            {
                await using var insert = Command(connection, sqlite
                    ? "INSERT INTO incremental_rows (campaign, activity, row_id, execution) SELECT @campaign, @activity, value, @execution FROM json_each(@ids) WHERE true ON CONFLICT DO NOTHING"
                    : "INSERT INTO incremental_rows (campaign, activity, row_id, execution) SELECT @campaign, @activity, unnest(@ids), @execution ON CONFLICT DO NOTHING",
                    transaction);
                Key(insert, query);
                Parameter(insert, "@ids", ids);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var select = Command(connection, "SELECT row_id, execution FROM incremental_rows WHERE campaign = @campaign AND activity = @activity AND " +
                (sqlite ? "row_id IN (SELECT value FROM json_each(@ids))" : "row_id = ANY(@ids)"), transaction);
            Key(select, query);
            Parameter(select, "@ids", ids);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                owners[reader.GetInt64(0)] = reader.GetString(1);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Where(r => owners.GetValueOrDefault(r) is not { } owner || owner == query.Execution).ToArray();
    }

    /// <summary>
    /// The range this execution reads, (from, to]: kept from its first run, or now made from the previous executions'
    /// highest mark and <paramref name="highest"/> (the highest value there is now, invariant text; null: no rows) and
    /// kept unless <paramref name="keep"/> is false (a test). Marks compare as <paramref name="compare"/> says.
    /// </summary>
    public async Task<(string? From, string? To)> RangeAsync(IncrementalQuery query, Func<Task<string?>> highest, Comparison<string> compare, bool keep,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        string? from = null;
        await using (var marks = Command(connection, "SELECT execution, from_mark, to_mark FROM incremental_marks WHERE campaign = @campaign AND activity = @activity"))
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
        var to = await highest() is { } now && (from is null || compare(now, from) > 0) ? now : from;
        if (!keep)
            return (from, to);
        await using var insert = Command(connection, "INSERT INTO incremental_marks (campaign, activity, execution, from_mark, to_mark) " +
            "VALUES (@campaign, @activity, @execution, @from, @to) ON CONFLICT DO NOTHING");
        Key(insert, query);
        Parameter(insert, "@from", from);
        Parameter(insert, "@to", to);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return (from, to);
    }

    private static void Key(System.Data.Common.DbCommand command, IncrementalQuery query)
    {
        Parameter(command, "@campaign", query.Campaign);
        Parameter(command, "@activity", query.Activity);
        Parameter(command, "@execution", query.Execution);
    }
}
