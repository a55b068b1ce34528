using System.Data.Common;
using ActorCampaigns.Domain.Expressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorCampaigns.Data;

/// <summary>
/// Where a node keeps its data: a SQLite file (one node) or a PostgreSQL database (a cluster). Stores open their
/// connections here and write their SQL for its <see cref="Dialect"/>.
/// </summary>
public abstract class Database
{
    public abstract SqlDialect Dialect { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Serialises schema changes between processes (PostgreSQL: an advisory lock; SQLite's writer lock suffices).</summary>
    public virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs schema statements (CREATE TABLE IF NOT EXISTS ...) in one transaction, under the schema lock.</summary>
    public async Task CreateTablesAsync(string ddl, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await using var command = Command(connection, ddl, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Adds a nullable column to a table made by an earlier version, under the schema lock; nothing if it is there.</summary>
    public async Task AddColumnAsync(string table, string column, string type, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        if (Dialect == SqlDialect.Sqlite)
        {
            await using var exists = Command(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'", transaction);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0)
                return;
        }
        await using var alter = Command(connection,
            $"ALTER TABLE {table} ADD COLUMN {(Dialect == SqlDialect.PostgreSql ? "IF NOT EXISTS " : "")}{column} {type}", transaction);
        await alter.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The values of the id column <paramref name="column"/> of the rows of <paramref name="table"/> that
    /// <paramref name="where"/> selects (its parameters set by <paramref name="parameters"/>), ascending, in pages of
    /// <paramref name="batchSize"/> read by keyset: the same pages every time the rows are the same.
    /// </summary>
    public async IAsyncEnumerable<long[]> IdPagesAsync(string table, string column, string where, Action<DbCommand> parameters, int batchSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = long.MinValue;
        while (true)
        {
            var page = new List<long>(batchSize);
            await using (var connection = await OpenAsync(cancellationToken))
            await using (var select = Command(connection, $"SELECT {column} FROM {table} WHERE {where} AND {column} > @after ORDER BY {column} LIMIT @limit"))
            {
                parameters(select);
                Parameter(select, "@after", after);
                Parameter(select, "@limit", batchSize);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    page.Add(reader.GetInt64(0));
            }
            if (page.Count == 0)
                yield break;
            yield return page.ToArray();
            if (page.Count < batchSize)
                yield break;
            after = page[^1];
        }
    }

    /// <summary>The executions that hold rows in any of <paramref name="tables"/> (each with columns campaign and execution).</summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsInAsync(IEnumerable<string> tables, CancellationToken cancellationToken) =>
        ExecutionsAsync(string.Join(" UNION ", tables.Select(table => $"SELECT campaign, execution FROM {table}")), cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows of an execution from <paramref name="tables"/> (each with the rest of
    /// its key), in their order: a table is reached only once those before it are empty, so a mark kept last goes last.
    /// How many it deleted.
    /// </summary>
    public async Task<int> DeleteOfExecutionAsync(IEnumerable<(string Table, string KeyRest)> tables, string campaign, string execution, int limit,
        CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var (table, rest) in tables)
        {
            if (deleted < limit)
                deleted += await DeleteOfExecutionAsync(table, rest, campaign, execution, limit - deleted, cancellationToken);
        }
        return deleted;
    }

    /// <summary>The executions, as (campaign, execution) pairs, that <paramref name="sql"/> selects as its two columns.</summary>
    public async Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var executions = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
            executions.Add((reader.GetString(0), reader.GetString(1)));
        return executions;
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows of an execution from <paramref name="table"/> (keyed by campaign,
    /// execution and <paramref name="rest"/>, the rest of its key) and says how many it deleted: retention calls it
    /// until none is left, a short statement at a time, so campaigns writing meanwhile wait for no long one.
    /// </summary>
    public async Task<int> DeleteOfExecutionAsync(string table, string rest, string campaign, string execution, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var ofExecution = $"FROM {table} WHERE campaign = @campaign AND execution = @execution";
        await using var command = Command(connection, $"DELETE {ofExecution} AND ({rest}) IN (SELECT {rest} {ofExecution} LIMIT @limit)");
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@limit", (long)limit);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes a lock no other node holds, held until disposed, or returns null when another node holds it: one node of
    /// a cluster at a time does the job it guards (PostgreSQL: a session advisory lock, released by the server if the
    /// node dies). A file on this machine serves one node: it is always taken.
    /// </summary>
    public virtual Task<IAsyncDisposable?> TryLockAsync(long key, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(NoLock.Instance);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// Returns true once the database answers again after an outage (<see cref="DatabaseOutage"/>), false if it does
    /// not within <paramref name="limit"/>. A file on this machine has no outage to wait for.
    /// </summary>
    public virtual Task<bool> AnswersAgainAsync(TimeSpan limit, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Drops the connections kept open for reuse, after an error has shown the server went away: each would otherwise
    /// fail once on its next use, and a campaign whose journal write fails stops. A file on this machine keeps none.
    /// </summary>
    public virtual void ForgetConnections()
    {
    }

    /// <summary>
    /// Ends every session a member of the cluster that is gone (downed: crashed, frozen, cut off) still holds, named
    /// <paramref name="sessionName"/>, so the transactions it left open roll back and free what they locked. A file on
    /// this machine is no member's.
    /// </summary>
    public virtual Task<int> EndSessionsOfAsync(string sessionName, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>The column type of a blob, a whole number and text in this dialect.</summary>
    public (string Blob, string Whole, string Text) Types => Dialect == SqlDialect.Sqlite
        ? ("BLOB", "INTEGER", "TEXT")
        : ("bytea", "bigint", "text");

    public static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 0;
        return command;
    }

    public static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

/// <summary>A SQLite file in WAL mode, synchronous NORMAL: durable across a process crash, fast to append.</summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 60 }.ToString();
    }

    public string Path { get; }

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    /// <summary>
    /// Connections open one at a time. Microsoft.Data.Sqlite's pool can lend one native connection to two owners when
    /// opens race (dotnet/efcore#39008): a worktable's writer then shared its connection with a reader's open
    /// statement, and its insert waited forever for a snapshot that could not move (a 10M-profile campaign hung so).
    /// </summary>
    private static readonly Lock Opening = new();

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        lock (Opening)
            connection.Open();
        await using var pragma = Command(connection,
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}

/// <summary>A PostgreSQL database shared by the nodes of a cluster.</summary>
public sealed class PostgresDatabase(string connectionString) : Database
{
    /// <summary>Key of the advisory lock that serialises schema changes between nodes starting at once.</summary>
    private const long SchemaLock = 0x4163_5072_6F66;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override SqlDialect Dialect => SqlDialect.PostgreSql;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// A name for the sessions of this process, new at each start: a member restarted on the same address is another
    /// incarnation, whose sessions must not be ended with those of the one the cluster downed.
    /// </summary>
    public static string NewSessionName() =>
        "actorcampaigns-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>
    /// The connection string of a member of a cluster: its sessions named <paramref name="sessionName"/>
    /// (<c>application_name</c>), which the member also carries as a cluster role, so the others can end its sessions
    /// once it is downed (<see cref="EndSessionsOfAsync"/>).
    /// </summary>
    public static string ForMember(string connectionString, string sessionName) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = sessionName }.ToString();

    /// <summary>
    /// A member that froze in the middle of a transaction (SIGSTOP, a VM paused) keeps its session open and its row locks
    /// held for as long as it is frozen: whoever takes over its work would wait on them. Once the cluster has downed it,
    /// its sessions are ended here (the server rolls back what they had not committed).
    /// </summary>
    public override async Task<int> EndSessionsOfAsync(string sessionName, CancellationToken cancellationToken)
    {
        // A connection of its own, outside the pool: the pool may be exhausted by sessions waiting on the very locks
        // these sessions hold.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT COUNT(*) FILTER (WHERE ended) FROM (SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity " +
            "WHERE application_name = @name AND datname = current_database() AND pid <> pg_backend_pid()) sessions");
        Parameter(command, "@name", sessionName);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// After a restart of the server every pooled connection is broken, and Npgsql drops one only when it is next used
    /// and fails: the stores and the journal (Akka.Persistence.Sql, pooled by its connection string) would each fail
    /// once per connection, a campaign stopping each time its journal write fails. So every pool of the process is
    /// emptied before each try, and the probe that answers has a connection of its own.
    /// </summary>
    public override async Task<bool> AnswersAgainAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            ForgetConnections();
            try
            {
                await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
                await using (var command = Command(connection, "SELECT 1"))
                    await command.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception e) when (DatabaseOutage.Is(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
            catch (Exception e) when (DatabaseOutage.Is(e))
            {
                return false;
            }
        }
    }

    /// <summary>Every pool of the process: the journal's (Akka.Persistence.Sql, pooled by its connection string) with ours.</summary>
    public override void ForgetConnections()
    {
        _dataSource.Clear();
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Key of the advisory lock a node holds while its journal creates its tables.</summary>
    private const long JournalSchemaLock = 0x4163_4A6F_7572;

    public override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT pg_advisory_xact_lock({SchemaLock})", transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for, then holds until disposed, the lock under which a node's journal creates its tables: PostgreSQL's
    /// <c>CREATE TABLE IF NOT EXISTS</c> is not safe against another session creating the same table at once.
    /// </summary>
    public async Task<IAsyncDisposable> LockJournalSchemaAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT pg_advisory_lock({JournalSchemaLock})");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new SessionLock(connection, JournalSchemaLock);
    }

    public override async Task<IAsyncDisposable?> TryLockAsync(long key, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(connection, $"SELECT pg_try_advisory_lock({key})");
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
                return new SessionLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>A session-level advisory lock, unlocked before its (pooled) connection goes back to the pool.</summary>
    private sealed class SessionLock(DbConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = Command(connection, $"SELECT pg_advisory_unlock({key})");
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                // A connection that failed (the server restarted under it) lost its session, and its lock with it.
                await connection.DisposeAsync();
            }
        }
    }
}
