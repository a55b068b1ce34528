using System.Data.Common;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using Npgsql;
using NpgsqlTypes;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Profiles;

/// <summary>Profiles in PostgreSQL: native date, timestamptz and boolean; imports by binary COPY into a staging table.</summary>
public sealed class PostgresProfileStore(PostgresDatabase database, StoredTable? table = null) : ProfileStore(database, table ?? StoredTable.Profiles)
{
    public override async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Database.LockSchemaAsync(connection, transaction, cancellationToken);
        await using var command = Command(connection, $"""
            CREATE TABLE IF NOT EXISTS {Table.Columns} (name text PRIMARY KEY, type text NOT NULL, position integer NOT NULL);
            CREATE TABLE IF NOT EXISTS {Table.Imports} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, started_at text NOT NULL,
                finished_at text, imported bigint, updated bigint, rejected bigint);
            {ProfilesTableSql()};
            """, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    protected override string ColumnType(AttributeType type) => SqlCompiler.PostgresType(ExprTypes.Of(type));

    private static readonly object True = true, False = false;

    /// <summary>Each column type read with its own getter, not ADO.NET's generic boxed path (a channel reads millions).</summary>
    protected override object? ReadValue(DbDataReader reader, int ordinal, ExprType type) => type switch
    {
        ExprType.String => reader.GetString(ordinal),
        ExprType.Bool => reader.GetBoolean(ordinal) ? True : False,
        ExprType.Int => reader.GetInt64(ordinal),
        ExprType.Number => reader.GetDouble(ordinal),
        ExprType.Date => reader.GetFieldValue<DateOnly>(ordinal),
        ExprType.Timestamp => reader.GetFieldValue<DateTime>(ordinal),
        _ => reader.GetValue(ordinal),
    };

    protected override async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"ANALYZE {Table.Name}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task<IImportWriter> BeginImportAsync(ImportHeader header, long run, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)await OpenAsync(cancellationToken);
        var columns = string.Join(", ", header.Columns.Select(c => $"{SqlCompiler.QuoteIdentifier(c.Name)} {ColumnType(c.Type)}"));
        await using var create = Command(connection, $"CREATE TEMP TABLE import_batch ({columns})");
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new Writer(connection, header, run, Table.Name);
    }

    /// <summary>
    /// Per batch: COPY the rows into a staging table, then one upsert that skips ids this run already wrote
    /// and returns which ids it inserted; a row it does not return was a duplicate in the file.
    /// </summary>
    private sealed class Writer(NpgsqlConnection connection, ImportHeader header, long run, string table) : IImportWriter
    {
        private readonly string _names = string.Join(", ", header.Columns.Select(c => SqlCompiler.QuoteIdentifier(c.Name)));
        private readonly NpgsqlDbType[] _types = header.Columns.Select(c => DbType(c.Type)).ToArray();

        public async Task<ImportOutcome[]> WriteAsync(IReadOnlyList<ProfileRow> rows, CancellationToken cancellationToken)
        {
            var outcomes = new ImportOutcome[rows.Count];
            var lineOf = new Dictionary<long, int>(rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                outcomes[r] = ImportOutcome.DuplicateInFile;
                lineOf.TryAdd(rows[r].Id, r);
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var copy = await connection.BeginBinaryImportAsync($"COPY import_batch ({_names}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (id, r) in lineOf)
                {
                    await copy.StartRowAsync(cancellationToken);
                    var values = rows[r].Values;
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (values[i] is null)
                            await copy.WriteNullAsync(cancellationToken);
                        else
                            await copy.WriteAsync(values[i], _types[i], cancellationToken);
                    }
                }
                await copy.CompleteAsync(cancellationToken);
            }
            var updates = string.Join(", ", header.Columns.Where(c => c.Name != "id")
                .Select(c => SqlCompiler.QuoteIdentifier(c.Name)).Select(n => $"{n} = EXCLUDED.{n}")
                .Append($"\"{ImportColumn}\" = EXCLUDED.\"{ImportColumn}\""));
            await using (var upsert = new NpgsqlCommand(
                $"INSERT INTO {table} AS p ({_names}, \"{ImportColumn}\") SELECT {_names}, @run FROM import_batch " +
                $"ON CONFLICT (\"id\") DO UPDATE SET {updates} WHERE p.\"{ImportColumn}\" <> EXCLUDED.\"{ImportColumn}\" " +
                "RETURNING \"id\", (xmax = 0)", connection, transaction))
            {
                upsert.Parameters.AddWithValue("run", run);
                await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    outcomes[lineOf[reader.GetInt64(0)]] = reader.GetBoolean(1) ? ImportOutcome.Inserted : ImportOutcome.Updated;
            }
            await using (var truncate = new NpgsqlCommand("TRUNCATE import_batch", connection, transaction))
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return outcomes;
        }

        private static NpgsqlDbType DbType(AttributeType type) => type switch
        {
            AttributeType.String => NpgsqlDbType.Text,
            AttributeType.Int => NpgsqlDbType.Bigint,
            AttributeType.Number => NpgsqlDbType.Double,
            AttributeType.Bool => NpgsqlDbType.Boolean,
            AttributeType.Date => NpgsqlDbType.Date,
            _ => NpgsqlDbType.TimestampTz,
        };

        public async ValueTask DisposeAsync()
        {
            await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS import_batch", connection))
                await drop.ExecuteNonQueryAsync();
            await connection.DisposeAsync();
        }
    }
}
