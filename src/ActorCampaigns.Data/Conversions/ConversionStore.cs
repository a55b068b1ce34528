using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Conversions;

/// <summary>
/// Something a profile did that a campaign aims at (a purchase, a sign-up), told by the sender's systems:
/// <paramref name="Value"/> its worth if it has one, <paramref name="Properties"/> a JSON object of its own details.
/// </summary>
public sealed record ConversionEvent(long Profile, string Name, DateTimeOffset At, double? Value = null, string? Properties = null);

/// <summary>
/// Conversion events, a row each in <c>conversion_events</c>, in the profiles' database, where expressions over what
/// a profile did read them beside its attributes. Appended in batches, a transaction each (<see cref="ConversionWriter"/>);
/// the same event told twice stays two rows, as a purchase made twice would.
/// </summary>
public sealed class ConversionStore(Database database)
{
    public const string Table = ConversionEvents.Table;

    /// <summary>Events per insert statement, as for feedback: a few hundred keep the JSON text off the large object heap.</summary>
    private const int EventsPerStatement = 256;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        var real = database.Dialect == SqlDialect.Sqlite ? "REAL" : "double precision";
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS {Table} (profile {whole} NOT NULL, name {text} NOT NULL, at {whole} NOT NULL, value {real}, properties {text});
            CREATE INDEX IF NOT EXISTS conversion_events_by_profile ON {Table} (profile, name, at);
            CREATE INDEX IF NOT EXISTS conversion_events_by_name ON {Table} (name, at);
            """, cancellationToken);
    }

    /// <summary>
    /// Appends events in one transaction, a statement per few hundred: on SQLite as one JSON text (<c>json_each</c>),
    /// on PostgreSQL as one array per column (<c>unnest</c>).
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<ConversionEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
            return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string columns = "profile, name, at, value, properties";
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        await using var insert = Command(connection, sqlite
            ? $"INSERT INTO {Table} ({columns}) SELECT e->>0, e->>1, e->>2, e->>3, e->>4 FROM (SELECT value AS e FROM json_each(@events))"
            : $"INSERT INTO {Table} ({columns}) SELECT * FROM unnest(@profile, @name, @at, @value, @properties)",
            transaction);
        var parameters = (sqlite ? ["@events"] : new[] { "@profile", "@name", "@at", "@value", "@properties" })
            .Select(name => Parameter(insert, name, null)).ToArray();
        foreach (var chunk in events.Chunk(EventsPerStatement))
        {
            if (sqlite)
            {
                parameters[0].Value = JsonSerializer.Serialize(chunk.Select(e => new object?[]
                    { e.Profile, e.Name, e.At.ToUnixTimeMilliseconds(), e.Value, e.Properties }));
            }
            else
            {
                object[] values =
                [
                    chunk.Select(e => e.Profile).ToArray(), chunk.Select(e => e.Name).ToArray(), chunk.Select(e => e.At.ToUnixTimeMilliseconds()).ToArray(),
                    chunk.Select(e => e.Value).ToArray(), chunk.Select(e => e.Properties).ToArray(),
                ];
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i];
            }
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What a channel activity's messages led to, per execution: the profiles sent one of them who had an event named
    /// <paramref name="name"/> within <paramref name="window"/> after it (once each), and the events' count and value
    /// summed (an event without a value counts 0).
    /// </summary>
    public Task<List<(string Execution, long Profiles, long Events, double Value)>> AttributedAsync(string campaign, string activity,
        string name, TimeSpan window, CancellationToken cancellationToken = default) =>
        PerExecutionAsync(
            $"SELECT sg.execution, COUNT(DISTINCT ce.profile), COUNT(*), COALESCE(SUM(ce.value), 0) FROM {Sends.Sendings} sg " +
            $"JOIN {Sends.Table} se ON se.sending = sg.id " +
            $"JOIN {Table} ce ON ce.profile = se.profile AND ce.name = @name AND ce.at >= se.at AND ce.at <= se.at + @window " +
            "WHERE sg.campaign = @campaign AND sg.activity = @activity GROUP BY sg.execution",
            campaign, activity, name, window,
            row => (row.GetString(0), row.GetInt64(1), row.GetInt64(2), Convert.ToDouble(row.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)),
            cancellationToken);

    /// <summary>
    /// The global control group's side of a channel activity, per execution: the profiles held back from its message
    /// (feedback <c>held</c>), and how many of them had an event named <paramref name="name"/> within
    /// <paramref name="window"/> after the time their message would have left.
    /// </summary>
    public Task<List<(string Execution, long Held, long Converted)>> HeldBackAsync(string campaign, string activity, string name,
        TimeSpan window, CancellationToken cancellationToken = default) =>
        PerExecutionAsync(
            $"SELECT fe.execution, COUNT(DISTINCT fe.profile), COUNT(DISTINCT ce.profile) FROM {FeedbackEvents.Table} fe " +
            $"LEFT JOIN {Table} ce ON ce.profile = fe.profile AND ce.name = @name AND ce.at >= fe.at AND ce.at <= fe.at + @window " +
            "WHERE fe.campaign = @campaign AND fe.activity = @activity AND fe.kind = 'held' GROUP BY fe.execution",
            campaign, activity, name, window, row => (row.GetString(0), row.GetInt64(1), row.GetInt64(2)), cancellationToken);

    /// <summary>The rows, a row per execution, of a query over a channel activity's messages and the events of a name within a window after each.</summary>
    private async Task<List<T>> PerExecutionAsync<T>(string sql, string campaign, string activity, string name, TimeSpan window,
        Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@activity", activity);
        Parameter(command, "@name", name);
        Parameter(command, "@window", (long)window.TotalMilliseconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>A profile's events of a name, oldest first (for the profile's page and tests).</summary>
    public async Task<IReadOnlyList<ConversionEvent>> OfProfileAsync(long profile, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT at, value, properties FROM {Table} WHERE profile = @profile AND name = @name ORDER BY at");
        Parameter(command, "@profile", profile);
        Parameter(command, "@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<ConversionEvent>();
        while (await reader.ReadAsync(cancellationToken))
            events.Add(new ConversionEvent(profile, name, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                reader.IsDBNull(1) ? null : reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return events;
    }
}

/// <summary>Conversion events recorded by group commit, as feedback is (<see cref="GroupCommit{T}"/>).</summary>
/// <param name="failed">Told each time a batch fails to be written (the node logs it).</param>
public sealed class ConversionWriter(ConversionStore store, Action<Exception>? failed = null)
    : GroupCommit<ConversionEvent>(events => store.AppendAsync(events), failed: failed);
