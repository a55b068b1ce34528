using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// One thing that happened to one message: <paramref name="Detail"/> is the link of a click, the reason of a bounce.
/// <paramref name="Machine"/>: an open or click by a machine, not the person (<see cref="MachineFeedback"/>);
/// <paramref name="Links"/>: how many links the message held, as its click token says (0: unknown).
/// </summary>
public sealed record FeedbackEvent(string Campaign, string Execution, string Activity, long Profile, FeedbackKind Kind, DateTimeOffset At,
    string? Detail = null, bool Machine = false, int Links = 0);

/// <summary>How many events of a kind (a machine's, or people's) an activity's messages had in an execution, and from how many profiles.</summary>
public sealed record FeedbackCount(string Execution, string Activity, FeedbackKind Kind, long Events, long Profiles, bool Machine = false);

/// <summary>Events of a kind (a machine's, or people's) in one hour (UTC) for one activity.</summary>
public sealed record FeedbackHour(string Execution, string Activity, FeedbackKind Kind, DateTimeOffset Hour, long Events, bool Machine = false);

/// <summary>Bounces of an activity by their reason.</summary>
public sealed record BounceReason(string Execution, string Activity, string Reason, long Profiles);

/// <summary>
/// Feedback events, the only per-profile rows that grow with traffic: a row per event in <c>feedback_events</c>, which
/// feedback predicates (<c>opened('mail')</c>) read beside the profiles, so the table lives in the profiles' database.
/// Events are appended in batches, a transaction each. The same event recorded twice stays two rows: unique
/// metrics count profiles, not rows. Opens and clicks by machines are kept under their own kinds
/// (<see cref="FeedbackEvents.Name"/>). Counts, hours and bounce reasons add the <see cref="Totals"/> that retention
/// folded events of ended executions into.
/// </summary>
public sealed class FeedbackStore(Database database)
{
    /// <summary>Events per insert statement: a few hundred keep the JSON text off the large object heap.</summary>
    private const int EventsPerStatement = 256;

    public FeedbackTotals Totals { get; } = new(database);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS {FeedbackEvents.Table} (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, profile {whole} NOT NULL,
                kind {text} NOT NULL, at {whole} NOT NULL, detail {text});
            CREATE INDEX IF NOT EXISTS feedback_events_by_profile ON {FeedbackEvents.Table} (profile, kind, at);
            CREATE INDEX IF NOT EXISTS feedback_events_by_message ON {FeedbackEvents.Table} (campaign, execution, activity, kind, profile);
            DROP INDEX IF EXISTS feedback_events_by_kind;
            CREATE INDEX IF NOT EXISTS feedback_events_unsubscribed ON {FeedbackEvents.Table} (detail, profile) WHERE kind = 'unsubscribed';
            """, cancellationToken);
        await Totals.InitializeAsync(cancellationToken);
    }

    /// <summary>
    /// Appends events in one transaction, a statement per few hundred: on SQLite they travel as one JSON text
    /// (<c>json_each</c>), on PostgreSQL as one array per column (<c>unnest</c>), so binding costs per statement, not per row.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<FeedbackEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
            return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string columns = "campaign, execution, activity, profile, kind, at, detail";
        await using var insert = Command(connection, database.Dialect == SqlDialect.Sqlite
            ? $"INSERT INTO {FeedbackEvents.Table} ({columns}) SELECT e->>0, e->>1, e->>2, e->>3, e->>4, e->>5, e->>6 " +
              "FROM (SELECT value AS e FROM json_each(@events))"
            : $"INSERT INTO {FeedbackEvents.Table} ({columns}) SELECT * FROM unnest(@campaign, @execution, @activity, @profile, @kind, @at, @detail)",
            transaction);
        var parameters = (database.Dialect == SqlDialect.Sqlite ? ["@events"] : new[] { "@campaign", "@execution", "@activity", "@profile", "@kind", "@at", "@detail" })
            .Select(name => Parameter(insert, name, null)).ToArray();
        foreach (var chunk in events.Chunk(EventsPerStatement))
        {
            if (database.Dialect == SqlDialect.Sqlite)
            {
                parameters[0].Value = JsonSerializer.Serialize(chunk.Select(e => new object?[]
                    { e.Campaign, e.Execution, e.Activity, e.Profile, FeedbackEvents.Name(e.Kind, e.Machine), e.At.ToUnixTimeMilliseconds(), e.Detail }));
            }
            else
            {
                object[] values =
                [
                    chunk.Select(e => e.Campaign).ToArray(), chunk.Select(e => e.Execution).ToArray(), chunk.Select(e => e.Activity).ToArray(),
                    chunk.Select(e => e.Profile).ToArray(), chunk.Select(e => FeedbackEvents.Name(e.Kind, e.Machine)).ToArray(),
                    chunk.Select(e => e.At.ToUnixTimeMilliseconds()).ToArray(), chunk.Select(e => e.Detail).ToArray(),
                ];
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i];
            }
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The profiles (ascending ids) that unsubscribed from <paramref name="channel"/>.</summary>
    public async Task<long[]> UnsubscribedAsync(string channel, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT DISTINCT profile FROM {FeedbackEvents.Table} WHERE kind = 'unsubscribed' AND detail = @channel ORDER BY profile");
        Parameter(command, "@channel", channel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var profiles = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
            profiles.Add(reader.GetInt64(0));
        return profiles.ToArray();
    }

    /// <summary>Per execution, activity and kind: events and distinct profiles, for one campaign.</summary>
    public async Task<IReadOnlyList<FeedbackCount>> CountAsync(string campaign, CancellationToken cancellationToken = default)
    {
        var counts = new List<FeedbackCount>();
        await foreach (var row in QueryAsync(
            "SELECT execution, activity, kind, CAST(SUM(events) AS bigint), CAST(SUM(profiles) AS bigint) FROM (" +
            $"SELECT execution, activity, kind, COUNT(*) AS events, COUNT(DISTINCT profile) AS profiles FROM {FeedbackEvents.Table} " +
            $"WHERE campaign = @campaign GROUP BY execution, activity, kind UNION ALL " +
            $"SELECT execution, activity, kind, events, profiles FROM {FeedbackTotals.Kinds} WHERE campaign = @campaign) f " +
            "GROUP BY execution, activity, kind", campaign, cancellationToken))
        {
            var (kind, machine) = FeedbackEvents.Parse((string)row[2]);
            counts.Add(new FeedbackCount((string)row[0], (string)row[1], kind, (long)row[3], (long)row[4], machine));
        }
        return counts;
    }

    /// <summary>Opens and clicks per hour, people's and machines', for one campaign.</summary>
    public async Task<IReadOnlyList<FeedbackHour>> HoursAsync(string campaign, CancellationToken cancellationToken = default)
    {
        var hours = new List<FeedbackHour>();
        await foreach (var row in QueryAsync(
            "SELECT execution, activity, kind, hour, CAST(SUM(events) AS bigint) FROM (" +
            $"SELECT execution, activity, kind, at / 3600000 AS hour, COUNT(*) AS events FROM {FeedbackEvents.Table} " +
            $"WHERE campaign = @campaign AND kind IN ({string.Join(", ", FeedbackEvents.Hourly.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))}) " +
            "GROUP BY execution, activity, kind, at / 3600000 UNION ALL " +
            $"SELECT execution, activity, kind, hour, events FROM {FeedbackTotals.Hours} WHERE campaign = @campaign) f " +
            "GROUP BY execution, activity, kind, hour ORDER BY 4", campaign, cancellationToken))
        {
            var (kind, machine) = FeedbackEvents.Parse((string)row[2]);
            hours.Add(new FeedbackHour((string)row[0], (string)row[1], kind, DateTimeOffset.FromUnixTimeSeconds((long)row[3] * 3600), (long)row[4], machine));
        }
        return hours;
    }

    /// <summary>Bounced profiles by the first reason given for them, for one campaign.</summary>
    public async Task<IReadOnlyList<BounceReason>> BounceReasonsAsync(string campaign, CancellationToken cancellationToken = default)
    {
        var reasons = new List<BounceReason>();
        await foreach (var row in QueryAsync(
            "SELECT execution, activity, reason, CAST(SUM(profiles) AS bigint) FROM (" +
            $"SELECT execution, activity, COALESCE(detail, 'unknown') AS reason, COUNT(DISTINCT profile) AS profiles FROM {FeedbackEvents.Table} " +
            "WHERE campaign = @campaign AND kind = 'bounced' GROUP BY execution, activity, COALESCE(detail, 'unknown') UNION ALL " +
            $"SELECT execution, activity, reason, profiles FROM {FeedbackTotals.Bounces} WHERE campaign = @campaign) f " +
            "GROUP BY execution, activity, reason", campaign, cancellationToken))
            reasons.Add(new BounceReason((string)row[0], (string)row[1], (string)row[2], (long)row[3]));
        return reasons;
    }

    private async IAsyncEnumerable<object[]> QueryAsync(string sql, string campaign,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        Parameter(command, "@campaign", campaign);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.GetValue(i) is var value && value is int small ? (long)small : value;
            yield return row;
        }
    }
}
