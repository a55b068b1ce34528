using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Profiles;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// The profiles of a node: one table with the core attributes and the custom ones declared by CSV headers,
/// imported by streaming upsert and read back as id-ordered batches matching a compiled filter. The rows of an
/// entity (bookings) are kept the same way in a table of their own (<see cref="StoredTable"/>).
/// SQLite and PostgreSQL implement the dialect-specific parts.
/// </summary>
public abstract class ProfileStore(Database database, StoredTable table)
{
    public const int ImportBatchSize = 10_000;
    public const int MaxReportedErrors = 1_000;

    /// <summary>Marks which import run last wrote a row, so a second row with the same id in one file is caught.</summary>
    protected const string ImportColumn = "_import";

    public Database Database { get; } = database;

    public StoredTable Table { get; } = table;

    /// <summary>The store of <paramref name="table"/> in <paramref name="database"/>, for its dialect.</summary>
    public static ProfileStore Open(Database database, StoredTable? table = null) => database switch
    {
        SqliteDatabase sqlite => new SqliteProfileStore(sqlite, table),
        PostgresDatabase postgres => new PostgresProfileStore(postgres, table),
        _ => throw new ArgumentException($"no profile store for {database.GetType().Name}", nameof(database)),
    };

    public SqlDialect Dialect => Database.Dialect;

    protected Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Database.OpenAsync(cancellationToken);

    /// <summary>Creates the tables when missing. Safe to call on every start.</summary>
    public abstract Task InitializeAsync(CancellationToken cancellationToken = default);

    protected abstract string ColumnType(AttributeType type);

    protected abstract Task<IImportWriter> BeginImportAsync(ImportHeader header, long run, CancellationToken cancellationToken);

    protected abstract object? ReadValue(DbDataReader reader, int ordinal, ExprType type);

    protected string ProfilesTableSql() =>
        $"CREATE TABLE IF NOT EXISTS {Table.Name} (" +
        string.Join(", ", Table.Core.Attributes.Select(a =>
            $"{SqlCompiler.QuoteIdentifier(a.Name)} {ColumnType(a.Type)}{(a.Name == "id" ? " PRIMARY KEY" : "")}")) +
        $", \"{ImportColumn}\" {ColumnType(AttributeType.Int)} NOT NULL DEFAULT 0)";

    public async Task<ProfileSchema> GetSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadSchemaAsync(connection, cancellationToken);
    }

    private async Task<ProfileSchema> ReadSchemaAsync(DbConnection connection, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        var custom = new List<(string, AttributeType)>();
        await using var command = Command(connection, $"SELECT name, type FROM {Table.Columns} ORDER BY position", transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            AttributeTypes.TryParse(reader.GetString(1), out var type);
            custom.Add((reader.GetString(0), type));
        }
        return Table.Core.With(custom);
    }

    /// <summary>
    /// Imports a CSV file of UTF-8 bytes row by row, upserting by id, a transaction per batch. Bad lines (bytes that
    /// are not UTF-8 among them) are rejected with their line number and reason; good lines are kept. A bad header
    /// refuses the whole file before any write.
    /// </summary>
    /// <param name="accept">Told the header before anything is written; what it throws refuses the file.</param>
    public Task<ImportSummary> ImportCsvAsync(Stream utf8, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default,
        Func<ImportHeader, CancellationToken, Task>? accept = null) =>
        ImportAsync(new CsvReader(utf8), progress, cancellationToken, accept);

    /// <summary>Imports CSV text already decoded, as <see cref="ImportCsvAsync(Stream, IProgress{ImportProgress}?, CancellationToken)"/> does.</summary>
    public Task<ImportSummary> ImportCsvAsync(TextReader csv, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportAsync(new CsvReader(csv), progress, cancellationToken, null);

    private async Task<ImportSummary> ImportAsync(CsvReader records, IProgress<ImportProgress>? progress, CancellationToken cancellationToken,
        Func<ImportHeader, CancellationToken, Task>? accept)
    {
        var clock = Stopwatch.StartNew();
        if (!records.Read())
            throw new ImportRefusedException("the file is empty: a header row is required");
        if (records.Error is { } headerError)
            throw new ImportRefusedException($"bad CSV header: {headerError}");
        var header = ImportHeader.Parse(Enumerable.Range(0, records.FieldCount).Select(records.FieldText).ToList(), await GetSchemaAsync(cancellationToken));
        if (Table.IsProfiles && header.Links is [var (linked, _), ..])
            throw new ImportRefusedException($"bad CSV header: column '{linked}': profiles link to nothing; a link column belongs to an entity's rows " +
                "(POST /api/entities/{name}/import)");
        if (accept is not null)
            await accept(header, cancellationToken);
        await AddAttributesAsync(header.NewAttributes, cancellationToken);
        var run = await StartRunAsync(cancellationToken);

        long imported = 0, updated = 0, rejected = 0, lines = 0;
        var errors = new List<RejectedLine>();
        void Reject(RejectedLine line)
        {
            rejected++;
            if (errors.Count < MaxReportedErrors)
                errors.Add(line);
        }

        // Parsing and writing overlap: one task parses batches ahead while this one writes them.
        var parsed = Channel.CreateBounded<ParsedBatch>(2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parsing = Task.Run(() => ParseAsync(records, header, parsed.Writer, stop.Token), stop.Token);
        try
        {
            await using var writer = await BeginImportAsync(header, run, cancellationToken);
            await foreach (var batch in parsed.Reader.ReadAllAsync(cancellationToken))
            {
                lines += batch.Lines;
                foreach (var line in batch.Rejected)
                    Reject(line);
                ImportOutcome[] outcomes;
                try
                {
                    outcomes = await writer.WriteAsync(batch.Rows, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new ImportInterruptedException(new ImportSummary(imported, updated, rejected, errors, clock.Elapsed), e);
                }
                for (var i = 0; i < batch.Rows.Count; i++)
                {
                    switch (outcomes[i])
                    {
                        case ImportOutcome.Inserted: imported++; break;
                        case ImportOutcome.Updated: updated++; break;
                        default: Reject(new RejectedLine(batch.Rows[i].Line, $"duplicate id {batch.Rows[i].Id}: already on an earlier line of this file")); break;
                    }
                }
                progress?.Report(new ImportProgress(lines, imported, updated, rejected, clock.Elapsed));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await parsing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await parsing;
        await RefreshStatisticsAsync(cancellationToken);
        var summary = new ImportSummary(imported, updated, rejected, errors, clock.Elapsed);
        await FinishRunAsync(run, summary, cancellationToken);
        return summary;
    }

    private sealed record ParsedBatch(List<ProfileRow> Rows, List<RejectedLine> Rejected, long Lines);

    private static async Task ParseAsync(CsvReader records, ImportHeader header, ChannelWriter<ParsedBatch> output, CancellationToken cancellationToken)
    {
        try
        {
            var (rows, rejected, lines) = (new List<ProfileRow>(ImportBatchSize), new List<RejectedLine>(), 0L);
            var pool = new StringPool();
            while (records.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                lines++;
                var (row, reason) = records.Error is null ? ProfileRow.Parse(records, header, pool) : (null, records.Error);
                if (row is null)
                    rejected.Add(new RejectedLine(records.Line, reason!));
                else
                    rows.Add(row);
                if (rows.Count == ImportBatchSize)
                {
                    await output.WriteAsync(new ParsedBatch(rows, rejected, lines), cancellationToken);
                    (rows, rejected, lines) = (new List<ProfileRow>(ImportBatchSize), new List<RejectedLine>(), 0L);
                }
            }
            if (lines > 0)
                await output.WriteAsync(new ParsedBatch(rows, rejected, lines), cancellationToken);
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
        }
    }

    private async Task AddAttributesAsync(IReadOnlyList<ProfileAttribute> attributes, CancellationToken cancellationToken)
    {
        if (attributes.Count == 0)
            return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Database.LockSchemaAsync(connection, transaction, cancellationToken);
        var current = await ReadSchemaAsync(connection, cancellationToken, transaction);
        foreach (var attribute in attributes.Where(a => current.Find(a.Name) is null))
        {
            var name = SqlCompiler.QuoteIdentifier(attribute.Name);
            await using (var alter = Command(connection, $"ALTER TABLE {Table.Name} ADD COLUMN {name} {ColumnType(attribute.Type)}", transaction))
                await alter.ExecuteNonQueryAsync(cancellationToken);
            await using var insert = Command(connection,
                $"INSERT INTO {Table.Columns} (name, type, position) VALUES (@name, @type, (SELECT COUNT(*) FROM {Table.Columns}))", transaction);
            Parameter(insert, "@name", attribute.Name);
            Parameter(insert, "@type", AttributeTypes.Name(attribute.Type));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>After an import the planner's statistics are stale; audiences are planned on them.</summary>
    protected abstract Task RefreshStatisticsAsync(CancellationToken cancellationToken);

    private async Task<long> StartRunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"INSERT INTO {Table.Imports} (started_at) VALUES (@at) RETURNING id");
        Parameter(command, "@at", DateTime.UtcNow.ToString("O"));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private async Task FinishRunAsync(long run, ImportSummary summary, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"UPDATE {Table.Imports} SET finished_at = @at, imported = @imported, updated = @updated, rejected = @rejected WHERE id = @id");
        Parameter(command, "@at", DateTime.UtcNow.ToString("O"));
        Parameter(command, "@imported", summary.Imported);
        Parameter(command, "@updated", summary.Updated);
        Parameter(command, "@rejected", summary.Rejected);
        Parameter(command, "@id", run);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The ids that split the profiles into <paramref name="partitions"/> ranges of (nearly) equal counts, ascending:
    /// each is the first id of the range after it. Fewer when there are fewer profiles than partitions; none for none.
    /// One pass over the id index, whatever the gaps between ids.
    /// </summary>
    public async Task<IReadOnlyList<long>> PartitionBoundariesAsync(int partitions, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long count;
        await using (var counting = Command(connection, $"SELECT COUNT(*) FROM {Table.Name}"))
            count = Convert.ToInt64(await counting.ExecuteScalarAsync(cancellationToken));
        var step = Math.Max(1, (count + partitions - 1) / partitions);
        await using var command = Command(connection,
            $"SELECT \"id\" FROM (SELECT \"id\", ROW_NUMBER() OVER (ORDER BY \"id\") AS n FROM {Table.Name}) ranked " +
            "WHERE n > 1 AND (n - 1) % @step = 0 ORDER BY \"id\"");
        Parameter(command, "@step", step);
        var boundaries = new List<long>(partitions);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken) && boundaries.Count < partitions - 1)
            boundaries.Add(reader.GetInt64(0));
        return boundaries;
    }

    /// <summary>
    /// Streams the profiles matching <see cref="ProfileQuery.Filter"/> in id order, a batch at a time, by keyset
    /// pagination (<c>id &gt; last</c>), so each page is an index range scan and memory stays one batch.
    /// </summary>
    public async IAsyncEnumerable<ProfileBatch> StreamAsync(ProfileQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var schema = await GetSchemaAsync(cancellationToken);
        var columns = query.Columns
            .Select(name => schema.Find(name) ?? throw new ArgumentException($"unknown attribute '{name}'"))
            .Select(a => (a.Name, Type: ExprTypes.Of(a.Type), Sql: SqlCompiler.QuoteIdentifier(a.Name)))
            .ToList();
        var (from, column) = Source(query.Filter);
        var filter = query.Filter is null ? null : SqlCompiler.Compile(query.Filter, Dialect, query.Context, column);
        var select = string.Join("", columns.Select(c => ", " + c.Sql));
        var where = filter is null ? "" : $"({filter.Text}) AND ";
        var below = query.Ids is null ? "" : " AND \"id\" < @below";
        var sql = $"SELECT \"id\"{select} FROM {from} WHERE {where}\"id\" > @after{below} ORDER BY \"id\" LIMIT @limit";

        await using var connection = await OpenAsync(cancellationToken);
        var after = query.Ids is { From: > long.MinValue } ids ? ids.From - 1 : long.MinValue;
        while (true)
        {
            var parameters = (filter?.Parameters ?? []).Append(KeyValuePair.Create("@after", (object?)after)).Append(KeyValuePair.Create("@limit", (object?)(long)query.BatchSize))
                .Concat(query.Ids is { } range ? [KeyValuePair.Create("@below", (object?)range.To)] : []);
            var batch = await QueryBatchAsync(connection, sql, parameters.ToList(), columns, query.BatchSize, cancellationToken);
            if (batch.Count == 0)
                yield break;
            yield return batch;
            if (batch.Count < query.BatchSize)
                yield break;
            after = batch.Ids[^1];
        }
    }

    /// <summary>
    /// The attribute columns of a population that arrives as batches of ascending ids, and columns computed from them
    /// by the database (a split's filters, enrich columns): each batch comes back with the same ids and their values
    /// (null for an id no profile has). A batch is read as one id range when that range holds few more profiles than
    /// the batch (the ids are dense, or the population is most of the profiles whose ids have gaps, as a CRM's have),
    /// otherwise by its list of ids; which one is decided on the first batch, by counting the profiles in its range.
    /// </summary>
    /// <param name="computed">Named expressions over the profile's attributes, evaluated in SQL at <paramref name="context"/>.</param>
    public async IAsyncEnumerable<ProfileBatch> ReadColumnsAsync(IAsyncEnumerable<long[]> population, IReadOnlyList<string> columnNames,
        [EnumeratorCancellation] CancellationToken cancellationToken = default,
        IReadOnlyList<KeyValuePair<string, Bound>>? computed = null, EvaluationContext? context = null)
    {
        var schema = await GetSchemaAsync(cancellationToken);
        var columns = columnNames
            .Select(name => schema.Find(name) ?? throw new ArgumentException($"unknown attribute '{name}'"))
            .Select(a => (a.Name, Type: ExprTypes.Of(a.Type), Sql: SqlCompiler.QuoteIdentifier(a.Name)))
            .ToList();
        var parameters = new List<KeyValuePair<string, object?>>();
        foreach (var (name, expression) in computed ?? [])
        {
            var compiled = SqlCompiler.Compile(expression, Dialect, context ?? throw new ArgumentNullException(nameof(context)), parameterPrefix: $"c{columns.Count}_");
            columns.Add((name, expression.Type, $"({compiled.Text})"));
            parameters.AddRange(compiled.Parameters);
        }
        var select = $"SELECT \"id\"{string.Join("", columns.Select(c => ", " + c.Sql))} FROM {Table.Name} WHERE ";
        var byList = Dialect == SqlDialect.Sqlite ? "\"id\" IN (SELECT value FROM json_each(@ids))" : "\"id\" = ANY(@ids)";
        await using var readers = new Readers(this);
        var pending = new Queue<Task<ProfileBatch>>();
        bool? rangesHoldTheBatches = null;
        try
        {
            await foreach (var ids in population.WithCancellation(cancellationToken))
            {
                if (ids.Length == 0)
                    continue;
                var byRange = InRange(ids[^1] - ids[0] + 1, ids.Length) || (rangesHoldTheBatches ??= InRange(await ProfilesBetweenAsync(ids[0], ids[^1], cancellationToken), ids.Length));
                if (pending.Count == ReadersPerPopulation)
                    yield return await pending.Dequeue();
                pending.Enqueue(readers.ReadAsync(connection => ReadAsync(connection, ids, byRange), cancellationToken));
            }
            while (pending.Count > 0)
                yield return await pending.Dequeue();
        }
        finally
        {
            // A consumer that stops early leaves reads running: they end before their connections close.
            await Task.WhenAll(pending.Select(read => read.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        // Reading a range costs a row scanned per profile in it; reading a list, an index search per id.
        static bool InRange(long profilesInRange, int batch) => profilesInRange <= 4L * batch;

        async Task<ProfileBatch> ReadAsync(DbConnection connection, long[] ids, bool dense)
        {
            var bounds = dense
                ? [KeyValuePair.Create("@first", (object?)ids[0]), KeyValuePair.Create("@last", (object?)ids[^1])]
                : new[] { KeyValuePair.Create("@ids", Dialect == SqlDialect.Sqlite ? $"[{string.Join(',', ids)}]" : (object?)ids) };
            var sql = select + (dense ? "\"id\" BETWEEN @first AND @last" : byList) + " ORDER BY \"id\"";
            return Aligned(ids, await QueryBatchAsync(connection, sql, [.. bounds, .. parameters], columns, ids.Length, cancellationToken, ids));
        }
    }

    private async Task<long> ProfilesBetweenAsync(long first, long last, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT COUNT(*) FROM {Table.Name} WHERE \"id\" BETWEEN @first AND @last");
        Parameter(command, "@first", first);
        Parameter(command, "@last", last);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// How many batches of one population are read at once, each on a connection of its own, handed on in order:
    /// reading values is most of an activity's work, and the next batch is read while the stage works on this one.
    /// </summary>
    private const int ReadersPerPopulation = 2;

    /// <summary>Connections for the reads of one population, each used by one read at a time, closed together.</summary>
    private sealed class Readers(ProfileStore store) : IAsyncDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<DbConnection> _idle = [];
        private readonly System.Collections.Concurrent.ConcurrentBag<DbConnection> _opened = [];

        public Task<ProfileBatch> ReadAsync(Func<DbConnection, Task<ProfileBatch>> read, CancellationToken cancellationToken) => Task.Run(async () =>
        {
            if (!_idle.TryTake(out var connection))
                _opened.Add(connection = await store.OpenAsync(cancellationToken));
            try
            {
                return await read(connection);
            }
            finally
            {
                _idle.Add(connection);
            }
        }, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in _opened)
                await connection.DisposeAsync();
        }
    }

    /// <summary>The rows of <paramref name="found"/> (ascending ids, maybe more than asked) for exactly <paramref name="ids"/>.</summary>
    private static ProfileBatch Aligned(long[] ids, ProfileBatch found)
    {
        if (ReferenceEquals(found.Ids, ids))
            return found;
        var values = found.Columns.Select(_ => new object?[ids.Length]).ToArray();
        var row = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            while (row < found.Count && found.Ids[row] < ids[i])
                row++;
            if (row == found.Count || found.Ids[row] != ids[i])
                continue;
            for (var c = 0; c < values.Length; c++)
                values[c][i] = found.Columns[c].Values[row];
        }
        return new ProfileBatch(ids, found.Columns.Select((c, i) => c with { Values = values[i] }).ToList());
    }

    /// <summary>
    /// The rows of a query whose first column is the id and the others <paramref name="columns"/>, as one batch. A
    /// dialect may read them its own way when ADO.NET's per-value overhead shows, and may give, for <paramref name="wanted"/>
    /// ids (ascending; a range read also meets others), a batch of exactly those ids (that very array).
    /// </summary>
    protected virtual async Task<ProfileBatch> QueryBatchAsync(DbConnection connection, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters,
        IReadOnlyList<(string Name, ExprType Type, string Sql)> columns, int capacity, CancellationToken cancellationToken, long[]? wanted = null)
    {
        await using var command = Command(connection, sql);
        foreach (var (name, value) in parameters)
            Parameter(command, name, value);
        var ids = new List<long>(capacity);
        var values = columns.Select(_ => new List<object?>(capacity)).ToArray();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                for (var c = 0; c < columns.Count; c++)
                    values[c].Add(reader.IsDBNull(c + 1) ? null : ReadValue(reader, c + 1, columns[c].Type));
            }
        }
        return new ProfileBatch(ids.ToArray(), columns.Select((c, i) => new PopulationColumn(c.Name, c.Type, values[i].ToArray())).ToList());
    }

    /// <summary>
    /// What a filter reads rows from, and how it names their columns: the table itself, or for an entity's rows whose
    /// filter names their profile's attributes (<c>profile.country</c>), the rows joined to their profiles by the link,
    /// those attributes as columns of that name (a row whose profile is gone has them null).
    /// </summary>
    private (string From, Func<string, string> Column) Source(Bound? filter)
    {
        var prefix = BindingScope.LinkedProfile + ".";
        var linked = new SortedSet<string>(StringComparer.Ordinal);
        if (filter is not null)
            BoundSubstitution.Replace(filter, column =>
            {
                if (column.Name.StartsWith(prefix, StringComparison.Ordinal))
                    linked.Add(column.Name[prefix.Length..]);
                return null;
            });
        // The joined attributes are named _p0, _p1…: short (PostgreSQL cuts names at 63 bytes, and "profile." and an
        // attribute's 63 would be cut alike), and no column's name (those start with a letter).
        var aliases = linked.Select((attribute, i) => (attribute, alias: $"\"_p{i}\"")).ToDictionary(a => a.attribute, a => a.alias, StringComparer.Ordinal);
        string Column(string name) => name.StartsWith(prefix, StringComparison.Ordinal) ? aliases[name[prefix.Length..]] : SqlCompiler.QuoteIdentifier(name);
        if (linked.Count == 0)
            return (Table.Name, Column);
        var link = Table.Link ?? throw new InvalidOperationException($"the rows of {Table.Rows} have no link to profiles");
        var attributes = string.Join("", linked.Select(a => $", p.{SqlCompiler.QuoteIdentifier(a)} AS {aliases[a]}"));
        return ($"(SELECT e.*{attributes} FROM {Table.Name} e LEFT JOIN {StoredTable.Profiles.Name} p ON p.\"id\" = e.{SqlCompiler.QuoteIdentifier(link)}) {Table.Name}",
            Column);
    }

    /// <summary>The highest value of a column among the rows matching a filter (null: all); null when none has one.</summary>
    public async Task<object?> MaxAsync(string column, Bound? filter, EvaluationContext context, CancellationToken cancellationToken = default)
    {
        var type = (await GetSchemaAsync(cancellationToken)).Find(column) is { } attribute
            ? ExprTypes.Of(attribute.Type)
            : throw new ArgumentException($"the rows of {Table.Rows} have no column '{column}'", nameof(column));
        var (from, name) = Source(filter);
        var compiled = filter is null ? null : SqlCompiler.Compile(filter, Dialect, context, name);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT MAX({SqlCompiler.QuoteIdentifier(column)}) FROM {from}{(compiled is null ? "" : $" WHERE {compiled.Text}")}");
        foreach (var (parameter, value) in compiled?.Parameters ?? [])
            Parameter(command, parameter, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? ReadValue(reader, 0, type) : null;
    }

    /// <summary>How many rows match a filter (null: all).</summary>
    public async Task<long> CountAsync(Bound? filter, EvaluationContext context, CancellationToken cancellationToken = default)
    {
        var (from, column) = Source(filter);
        var compiled = filter is null ? null : SqlCompiler.Compile(filter, Dialect, context, column);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT COUNT(*) FROM {from}{(compiled is null ? "" : $" WHERE {compiled.Text}")}");
        foreach (var (name, value) in compiled?.Parameters ?? [])
            Parameter(command, name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>One profile's attributes by name (nulls included), or null when no profile has that id.</summary>
    public async Task<IReadOnlyDictionary<string, object?>?> GetProfileAsync(long id, CancellationToken cancellationToken = default)
    {
        var schema = await GetSchemaAsync(cancellationToken);
        var select = string.Join(", ", schema.Attributes.Select(a => SqlCompiler.QuoteIdentifier(a.Name)));
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {select} FROM {Table.Name} WHERE \"id\" = @id");
        Parameter(command, "@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return schema.Attributes.Select((a, i) => (a.Name, Value: reader.IsDBNull(i) ? null : ReadValue(reader, i, ExprTypes.Of(a.Type))))
            .ToDictionary(p => p.Name, p => p.Value);
    }

    /// <summary>Which of <paramref name="ids"/> are profiles here.</summary>
    public async Task<IReadOnlySet<long>> ExistingAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        var existing = new HashSet<long>();
        if (ids.Count == 0)
            return existing;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, Dialect == SqlDialect.Sqlite
            ? $"SELECT \"id\" FROM {Table.Name} WHERE \"id\" IN (SELECT value FROM json_each(@ids))"
            : $"SELECT \"id\" FROM {Table.Name} WHERE \"id\" = ANY(@ids)");
        Parameter(command, "@ids", Dialect == SqlDialect.Sqlite ? $"[{string.Join(',', ids)}]" : ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            existing.Add(reader.GetInt64(0));
        return existing;
    }

    /// <summary>Withdraws a profile's consent to a channel (its opt-in attribute, such as <c>emailOptIn</c>); false when no such profile.</summary>
    public async Task<bool> WithdrawConsentAsync(long id, string optIn, CancellationToken cancellationToken = default)
    {
        var schema = await GetSchemaAsync(cancellationToken);
        if (schema.Find(optIn) is not { Type: AttributeType.Bool })
            throw new ArgumentException($"'{optIn}' is not a consent attribute of the profiles", nameof(optIn));
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"UPDATE profiles SET {SqlCompiler.QuoteIdentifier(optIn)} = @no WHERE \"id\" = @id");
        Parameter(command, "@no", SqlValues.Encode(Dialect, false));
        Parameter(command, "@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
