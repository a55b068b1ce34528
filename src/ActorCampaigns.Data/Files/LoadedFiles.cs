using System.Data.Common;
using System.Runtime.CompilerServices;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Files;

/// <summary>What a load kept: its rows and its rejected lines.</summary>
public sealed record LoadSummary(long Rows, long Rejected);

/// <summary>
/// The rows loadFile activities loaded, per execution (<c>loaded_rows</c>: line and values as JSON), the lines they
/// rejected (<c>loaded_rejects</c>), and which loads are whole (<c>loaded_files</c>). A load is written in chunks, then
/// closed; a run of its execution again outputs the rows kept, whatever the file became meanwhile; a run stopped while
/// loading starts over (what it had written is cleared first).
/// </summary>
public sealed class LoadedFiles(Database database)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS loaded_rows (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, line {whole} NOT NULL, row_values {text} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, line));
            CREATE TABLE IF NOT EXISTS loaded_rejects (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, line {whole} NOT NULL, reason {text} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, line));
            CREATE TABLE IF NOT EXISTS loaded_files (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, row_count {whole} NOT NULL, rejected {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity));
            """, cancellationToken);
    }

    /// <summary>What the load kept, once it is whole; null while it is not.</summary>
    public async Task<LoadSummary?> LoadedAsync(ExecutionActivity load, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT row_count, rejected FROM loaded_files WHERE " + Where);
        load.Bind(select);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new LoadSummary(reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Whether the load left anything: rows, rejects, or its mark of being whole.</summary>
    public async Task<bool> ExistsAsync(ExecutionActivity load, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, "SELECT 1 WHERE " + string.Join(" OR ", Tables.Select(t => $"EXISTS (SELECT 1 FROM {t.Table} WHERE {Where})")));
        load.Bind(select);
        return await select.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Forgets what a load stopped midway wrote, so it starts over.</summary>
    public Task ClearAsync(ExecutionActivity load, CancellationToken cancellationToken = default) =>
        load.ClearAsync(database, Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Writes a chunk of the file: its rows and rejected lines, in one transaction.</summary>
    public async Task AppendAsync(ExecutionActivity load, FileChunk chunk, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO loaded_rows (campaign, execution, activity, line, row_values) VALUES (@campaign, @execution, @activity, @line, @values)", transaction))
        {
            load.Bind(insert);
            var (line, values) = (Parameter(insert, "@line", 0L), Parameter(insert, "@values", ""));
            foreach (var row in chunk.Rows)
            {
                (line.Value, values.Value) = (row.Line, row.Values);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var insert = Command(connection, "INSERT INTO loaded_rejects (campaign, execution, activity, line, reason) VALUES (@campaign, @execution, @activity, @line, @reason)", transaction))
        {
            load.Bind(insert);
            var (line, reason) = (Parameter(insert, "@line", 0L), Parameter(insert, "@reason", ""));
            foreach (var reject in chunk.Rejects)
            {
                (line.Value, reason.Value) = (reject.Line, reject.Reason);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Marks the load whole, with what it kept and how many lines it rejected (kept or not).</summary>
    public async Task CloseAsync(ExecutionActivity load, LoadSummary summary, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection, "INSERT INTO loaded_files (campaign, execution, activity, row_count, rejected) VALUES (@campaign, @execution, @activity, @rows, @rejected) " +
            "ON CONFLICT DO NOTHING");
        load.Bind(insert);
        Parameter(insert, "@rows", summary.Rows);
        Parameter(insert, "@rejected", summary.Rejected);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows' lines (their ids in the population), ascending, in batches of <paramref name="batchSize"/>.</summary>
    public IAsyncEnumerable<long[]> LinesAsync(ExecutionActivity load, int batchSize, CancellationToken cancellationToken = default) =>
        database.IdPagesAsync("loaded_rows", "line", Where, load.Bind, batchSize, cancellationToken);

    /// <summary>The rows with their values (JSON objects of the declared columns), by line.</summary>
    public IAsyncEnumerable<List<FileRow>> RowsAsync(ExecutionActivity load, int batchSize, CancellationToken cancellationToken = default) =>
        PagesAsync(load, "line, row_values", batchSize, cancellationToken);

    /// <summary>The rejected lines kept, by line.</summary>
    public async IAsyncEnumerable<FileReject> RejectsAsync(ExecutionActivity load, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT line, reason FROM loaded_rejects WHERE {Where} ORDER BY line");
        load.Bind(select);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new FileReject(reader.GetInt64(0), reader.GetString(1));
    }

    private async IAsyncEnumerable<List<FileRow>> PagesAsync(ExecutionActivity load, string columns, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var page = new List<FileRow>(batchSize);
            await using (var connection = await database.OpenAsync(cancellationToken))
            await using (var select = Command(connection, $"SELECT {columns} FROM loaded_rows WHERE {Where} AND line > @after ORDER BY line LIMIT @limit"))
            {
                load.Bind(select);
                Parameter(select, "@after", after);
                Parameter(select, "@limit", batchSize);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    page.Add(new FileRow(reader.GetInt64(0), reader.FieldCount > 1 ? reader.GetString(1) : ""));
            }
            if (page.Count == 0)
                yield break;
            yield return page;
            if (page.Count < batchSize)
                yield break;
            after = page[^1].Line;
        }
    }

    /// <summary>The executions that hold loads, for retention.</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsInAsync(Tables.Select(t => t.Table), cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> rows of an ended execution's loads (rows, then rejects, then the loads); how many it deleted.</summary>
    public Task<int> DeleteExecutionAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default) =>
        database.DeleteOfExecutionAsync(Tables, campaign, execution, limit, cancellationToken);

    /// <summary>What a load keeps, with the rest of each key; the mark of being whole last.</summary>
    private static readonly (string Table, string KeyRest)[] Tables = [("loaded_rows", "activity, line"), ("loaded_rejects", "activity, line"), ("loaded_files", "activity")];

    private const string Where = ExecutionActivity.Where;
}
