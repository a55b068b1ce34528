using System.Data.Common;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Data.Profiles;

/// <summary>Profiles in a SQLite file in WAL mode: dates as day numbers, timestamps as microseconds, bools as 0/1.</summary>
public sealed class SqliteProfileStore(string path) : ProfileStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 60,
    }.ToString();

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS profile_attributes (name TEXT PRIMARY KEY, type TEXT NOT NULL, position INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS profile_imports (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,
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

    protected override async Task<IImportWriter> BeginImportAsync(ImportHeader header, long run, CancellationToken cancellationToken) =>
        new Writer((SqliteConnection)await OpenAsync(cancellationToken), header, run);

    /// <summary>
    /// Per row: insert, or else update unless this run already wrote that id (then it is a duplicate in the file).
    /// Prepared statements, a transaction per batch.
    /// </summary>
    private sealed class Writer : IImportWriter
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteParameter[] _insertValues;
        private readonly SqliteParameter[] _updateValues;

        public Writer(SqliteConnection connection, ImportHeader header, long run)
        {
            _connection = connection;
            var names = header.Columns.Select(c => SqlCompiler.QuoteIdentifier(c.Name)).ToList();
            var parameters = names.Select((_, i) => $"@v{i}").ToList();
            _insert = connection.CreateCommand();
            _insert.CommandText = $"INSERT INTO profiles ({string.Join(", ", names)}, \"{ImportColumn}\") " +
                $"VALUES ({string.Join(", ", parameters)}, {run}) ON CONFLICT(\"id\") DO NOTHING";
            _update = connection.CreateCommand();
            var assignments = names.Select((n, i) => (n, p: parameters[i])).Where(x => x.n != "\"id\"").Select(x => $"{x.n} = {x.p}");
            _update.CommandText = $"UPDATE profiles SET {string.Join(", ", assignments.Append($"\"{ImportColumn}\" = {run}"))} " +
                $"WHERE \"id\" = @v{header.IdIndex} AND \"{ImportColumn}\" <> {run}";
            _insertValues = parameters.Select(p => _insert.Parameters.Add(new SqliteParameter(p, null))).ToArray();
            _updateValues = parameters.Select(p => _update.Parameters.Add(new SqliteParameter(p, null))).ToArray();
        }

        public async Task<ImportOutcome[]> WriteAsync(IReadOnlyList<ProfileRow> rows, CancellationToken cancellationToken)
        {
            var outcomes = new ImportOutcome[rows.Count];
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
            _insert.Transaction = transaction;
            _update.Transaction = transaction;
            for (var r = 0; r < rows.Count; r++)
            {
                var values = rows[r].Values;
                for (var i = 0; i < values.Length; i++)
                    _insertValues[i].Value = SqlValues.Encode(SqlDialect.Sqlite, values[i]) ?? DBNull.Value;
                if (_insert.ExecuteNonQuery() == 1)
                {
                    outcomes[r] = ImportOutcome.Inserted;
                    continue;
                }
                for (var i = 0; i < values.Length; i++)
                    _updateValues[i].Value = _insertValues[i].Value;
                outcomes[r] = _update.ExecuteNonQuery() == 1 ? ImportOutcome.Updated : ImportOutcome.DuplicateInFile;
            }
            await transaction.CommitAsync(cancellationToken);
            return outcomes;
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _update.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
