using System.Data.Common;
using System.Text;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Profiles;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Profiles;

/// <summary>Profiles in a SQLite file in WAL mode: dates as day numbers, timestamps as microseconds, bools as 0/1.</summary>
public sealed class SqliteProfileStore(SqliteDatabase database, StoredTable? table = null) : ProfileStore(database, table ?? StoredTable.Profiles)
{
    public override async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            CREATE TABLE IF NOT EXISTS {Table.Columns} (name TEXT PRIMARY KEY, type TEXT NOT NULL, position INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS {Table.Imports} (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,
                finished_at TEXT, imported INTEGER, updated INTEGER, rejected INTEGER);
            {ProfilesTableSql()};
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string ColumnType(AttributeType type) => type switch
    {
        AttributeType.String => "TEXT",
        AttributeType.Number => "REAL",
        _ => "INTEGER",
    };

    protected override object? ReadValue(DbDataReader reader, int ordinal, ExprType type) =>
        SqlValues.DecodeSqlite(type, reader.GetValue(ordinal));

    /// <summary>
    /// Reads a query's rows through SQLite's C API: ADO.NET's reader spent more time per value than SQLite did
    /// (a population's columns are read once per activity, millions of values).
    /// </summary>
    protected override Task<ProfileBatch> QueryBatchAsync(DbConnection connection, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters,
        IReadOnlyList<(string Name, ExprType Type, string Sql)> columns, int capacity, CancellationToken cancellationToken, long[]? wanted = null)
    {
        var db = ((SqliteConnection)connection).Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        using (statement)
        {
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name);
                Check(db, SqlValues.Encode(SqlDialect.Sqlite, value) switch
                {
                    null => raw.sqlite3_bind_null(statement, index),
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    double number => raw.sqlite3_bind_double(statement, index, number),
                    bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                    var whole => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(whole)),
                });
            }
            return Task.FromResult(wanted is null ? ReadRows(db, statement, columns, capacity, cancellationToken) : ReadWanted(db, statement, columns, wanted, cancellationToken));
        }
    }

    private static ProfileBatch ReadRows(sqlite3 db, sqlite3_stmt statement, IReadOnlyList<(string Name, ExprType Type, string Sql)> columns, int capacity,
        CancellationToken cancellationToken)
    {
        var ids = new List<long>(capacity);
        var values = columns.Select(_ => new List<object?>(capacity)).ToArray();
        var handle = statement.DangerousGetHandle();
        int step;
        while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Add(SqliteColumns.Id(handle));
            for (var c = 0; c < columns.Count; c++)
                values[c].Add(SqliteColumns.Value(handle, c + 1, columns[c].Type));
        }
        if (step != raw.SQLITE_DONE)
            Check(db, step);
        return new ProfileBatch(ids.ToArray(), columns.Select((c, i) => new PopulationColumn(c.Name, c.Type, values[i].ToArray())).ToList());
    }

    /// <summary>
    /// The values of exactly the <paramref name="wanted"/> ids (ascending), in their order; an id with no row keeps
    /// nulls. Rows come in id order: those between wanted ids are skipped without reading their values.
    /// </summary>
    private static ProfileBatch ReadWanted(sqlite3 db, sqlite3_stmt statement, IReadOnlyList<(string Name, ExprType Type, string Sql)> columns, long[] wanted,
        CancellationToken cancellationToken)
    {
        var values = columns.Select(_ => new object?[wanted.Length]).ToArray();
        var handle = statement.DangerousGetHandle();
        int step;
        var next = 0;
        while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = SqliteColumns.Id(handle);
            while (next < wanted.Length && wanted[next] < id)
                next++;
            if (next == wanted.Length)
                break;
            if (wanted[next] != id)
                continue;
            for (var c = 0; c < columns.Count; c++)
                values[c][next] = SqliteColumns.Value(handle, c + 1, columns[c].Type);
        }
        if (step is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
            Check(db, step);
        return new ProfileBatch(wanted, columns.Select((c, i) => new PopulationColumn(c.Name, c.Type, values[i])).ToList());
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
    }

    protected override async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task<IImportWriter> BeginImportAsync(ImportHeader header, long run, CancellationToken cancellationToken) =>
        new Writer((SqliteConnection)await OpenAsync(cancellationToken), header, run, Table.Name);

    /// <summary>
    /// Per row: insert, or else update unless this run already wrote that id (then it is a duplicate in the file).
    /// Statements are prepared once and bound through SQLite's C API: ADO.NET's per-parameter overhead alone
    /// held imports near 100,000 rows/s. A transaction per batch.
    /// </summary>
    private sealed class Writer : IImportWriter
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _update;
        private byte[] _utf8 = new byte[4096];

        public Writer(SqliteConnection connection, ImportHeader header, long run, string table)
        {
            _connection = connection;
            _db = connection.Handle!;
            // Pooled connections read with a page cache of 8 MB (each one keeps its cache); an import writes through 64 MB.
            Execute("PRAGMA cache_size = -65536");
            var names = header.Columns.Select(c => SqlCompiler.QuoteIdentifier(c.Name)).ToList();
            var parameters = names.Select((_, i) => $"?{i + 1}").ToList();
            var assignments = names.Select((n, i) => (n, p: parameters[i])).Where(x => x.n != "\"id\"").Select(x => $"{x.n} = {x.p}");
            _insert = Prepare($"INSERT INTO {table} ({string.Join(", ", names)}, \"{ImportColumn}\") " +
                $"VALUES ({string.Join(", ", parameters)}, {run}) ON CONFLICT(\"id\") DO NOTHING");
            _update = Prepare($"UPDATE {table} SET {string.Join(", ", assignments.Append($"\"{ImportColumn}\" = {run}"))} " +
                $"WHERE \"id\" = ?{header.IdIndex + 1} AND \"{ImportColumn}\" <> {run}");
        }

        public Task<ImportOutcome[]> WriteAsync(IReadOnlyList<ProfileRow> rows, CancellationToken cancellationToken)
        {
            var outcomes = new ImportOutcome[rows.Count];
            Execute("BEGIN IMMEDIATE");
            try
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Step(_insert, rows[r].Values) == 1)
                        outcomes[r] = ImportOutcome.Inserted;
                    else
                        outcomes[r] = Step(_update, rows[r].Values) == 1 ? ImportOutcome.Updated : ImportOutcome.DuplicateInFile;
                }
                Execute("COMMIT");
            }
            catch
            {
                // SQLite rolls back by itself on some errors (SQLITE_FULL among them); a second rollback would hide the cause.
                if (raw.sqlite3_get_autocommit(_db) == 0)
                    Execute("ROLLBACK");
                throw;
            }
            return Task.FromResult(outcomes);
        }

        /// <summary>Binds one row, runs the statement and returns how many rows it changed.</summary>
        private int Step(sqlite3_stmt statement, object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
                Check(Bind(statement, i + 1, values[i]));
            var step = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (step != raw.SQLITE_DONE)
                Check(step);
            return raw.sqlite3_changes(_db);
        }

        /// <summary>Text is bound as UTF-8 from a reused buffer: binding .NET strings allocated and halved the import rate.</summary>
        private int Bind(sqlite3_stmt statement, int index, object? value)
        {
            switch (value)
            {
                case null:
                    return raw.sqlite3_bind_null(statement, index);
                case string text:
                    var length = Encoding.UTF8.GetMaxByteCount(text.Length);
                    if (_utf8.Length < length)
                        _utf8 = new byte[length];
                    return raw.sqlite3_bind_text(statement, index, new ReadOnlySpan<byte>(_utf8, 0, Encoding.UTF8.GetBytes(text, _utf8)));
                case double number:
                    return raw.sqlite3_bind_double(statement, index, number);
                case long whole:
                    return raw.sqlite3_bind_int64(statement, index, whole);
                case bool flag:
                    return raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0);
                default:
                    return raw.sqlite3_bind_int64(statement, index, (long)SqlValues.Encode(SqlDialect.Sqlite, value)!);
            }
        }

        private sqlite3_stmt Prepare(string sql)
        {
            Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
            return statement;
        }

        private void Execute(string sql) => Check(raw.sqlite3_exec(_db, sql));

        private void Check(int rc) => SqliteProfileStore.Check(_db, rc);

        public async ValueTask DisposeAsync()
        {
            _insert.Dispose();
            _update.Dispose();
            await _connection.DisposeAsync();
        }
    }
}
