using System.Data.Common;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// What a report reads of an execution's feedback once its events are removed (retention): per activity and kind the
/// events and distinct profiles, opens and clicks per hour, bounced profiles per reason. <see cref="FoldAsync"/> moves
/// events from <c>feedback_events</c> into these totals a batch at a time, each batch in one transaction, so a report
/// read at any moment adds the totals to the events left and gets the figures it had. Unsubscribes stay events: they
/// are the record of a withdrawn consent, which exclusions and <c>unsubscribed()</c> read. So do the profiles held back
/// as the global control group (<c>held</c>): the report compares their conversions with those sent, which needs each.
/// </summary>
public sealed class FeedbackTotals(Database database)
{
    public const string Kinds = "feedback_totals";
    public const string Hours = "feedback_hour_totals";
    public const string Bounces = "feedback_bounce_totals";

    /// <summary>The events retention folds: all but unsubscribes and the profiles held back.</summary>
    private const string Folded = "kind NOT IN ('unsubscribed', 'held')";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS {Kinds} (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, kind {text} NOT NULL,
                events {whole} NOT NULL, profiles {whole} NOT NULL, PRIMARY KEY (campaign, execution, activity, kind));
            CREATE TABLE IF NOT EXISTS {Hours} (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, kind {text} NOT NULL, hour {whole} NOT NULL,
                events {whole} NOT NULL, PRIMARY KEY (campaign, execution, activity, kind, hour));
            CREATE TABLE IF NOT EXISTS {Bounces} (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, reason {text} NOT NULL,
                profiles {whole} NOT NULL, PRIMARY KEY (campaign, execution, activity, reason));
            """, cancellationToken);
    }

    /// <summary>
    /// The executions with events to fold. Feedback is kept only for messages sent, so each has a row in
    /// <c>sendings</c> (a few per execution): probing the events of each through their index costs far less than
    /// reading the events.
    /// </summary>
    public Task<IReadOnlyList<(string Campaign, string Execution)>> ExecutionsAsync(CancellationToken cancellationToken = default) =>
        database.ExecutionsAsync($"SELECT g.campaign, g.execution FROM {Sends.Sendings} g WHERE EXISTS (SELECT 1 FROM {FeedbackEvents.Table} f " +
            $"WHERE f.campaign = g.campaign AND f.execution = g.execution AND f.activity = g.activity AND f.{Folded}) GROUP BY g.campaign, g.execution",
            cancellationToken);

    /// <summary>
    /// Folds about <paramref name="limit"/> events of an execution into the totals and deletes them, in one transaction,
    /// and says how many it folded (none: nothing is left). A batch takes whole profiles in the order of the events'
    /// index (activity, kind, profile), so the batches of one execution count each profile once among its distinct
    /// profiles. Deleted rows are what is counted (<c>DELETE … RETURNING</c>), so events written meanwhile are never
    /// lost nor counted twice. An event recorded about the execution after its fold (a mail opened months later) is
    /// folded by a later run: its profile then counts again among the distinct profiles if it had been counted before.
    /// </summary>
    public async Task<int> FoldAsync(string campaign, string execution, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ofExecution = $"FROM {FeedbackEvents.Table} WHERE campaign = @campaign AND execution = @execution AND {Folded}";
        object[]? last = null;
        await using (var boundary = Command(connection, $"SELECT activity, kind, profile {ofExecution} ORDER BY activity, kind, profile LIMIT 1 OFFSET @offset",
            transaction))
        {
            Execution(boundary, campaign, execution);
            Parameter(boundary, "@offset", (long)limit - 1);
            await using var reader = await boundary.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
                last = [reader.GetString(0), reader.GetString(1), reader.GetInt64(2)];
        }
        var fold = new Fold();
        await using (var delete = Command(connection, $"DELETE {ofExecution}" +
            (last is null ? "" : " AND (activity, kind, profile) <= (@activity, @kind, @profile)") + " RETURNING activity, kind, profile, at, detail", transaction))
        {
            Execution(delete, campaign, execution);
            if (last is not null)
            {
                Parameter(delete, "@activity", last[0]);
                Parameter(delete, "@kind", last[1]);
                Parameter(delete, "@profile", last[2]);
            }
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                fold.Add(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }
        await fold.WriteAsync(connection, transaction, campaign, execution, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fold.Events;
    }

    private static void Execution(DbCommand command, string campaign, string execution)
    {
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
    }

    /// <summary>One batch of deleted events, summed as the report reads them.</summary>
    private sealed class Fold
    {
        private readonly Dictionary<(string Activity, string Kind), (long Events, HashSet<long> Profiles)> _kinds = [];
        private readonly Dictionary<(string Activity, string Kind, long Hour), long> _hours = [];
        private readonly Dictionary<(string Activity, string Reason), HashSet<long>> _bounces = [];

        public int Events { get; private set; }

        public void Add(string activity, string kind, long profile, long at, string? detail)
        {
            Events++;
            var (events, profiles) = _kinds.TryGetValue((activity, kind), out var known) ? known : (0, []);
            profiles.Add(profile);
            _kinds[(activity, kind)] = (events + 1, profiles);
            // As the report reads them: hours since 1970 (UTC), a bounce without a reason as 'unknown'.
            if (FeedbackEvents.Hourly.Contains(kind))
                _hours[(activity, kind, at / 3_600_000)] = _hours.GetValueOrDefault((activity, kind, at / 3_600_000)) + 1;
            if (kind == "bounced" && (activity, detail ?? "unknown") is var reason)
                (_bounces.TryGetValue(reason, out var bounced) ? bounced : _bounces[reason] = []).Add(profile);
        }

        public async Task WriteAsync(DbConnection connection, DbTransaction transaction, string campaign, string execution, CancellationToken cancellationToken)
        {
            foreach (var ((activity, kind), (events, profiles)) in _kinds)
                await AddAsync($"{Kinds} (campaign, execution, activity, kind, events, profiles) VALUES (@campaign, @execution, @activity, @kind, @events, @profiles) " +
                    $"ON CONFLICT (campaign, execution, activity, kind) DO UPDATE SET events = {Kinds}.events + excluded.events, " +
                    $"profiles = {Kinds}.profiles + excluded.profiles", ("@activity", activity), ("@kind", kind), ("@events", events), ("@profiles", (long)profiles.Count));
            foreach (var ((activity, kind, hour), events) in _hours)
                await AddAsync($"{Hours} (campaign, execution, activity, kind, hour, events) VALUES (@campaign, @execution, @activity, @kind, @hour, @events) " +
                    $"ON CONFLICT (campaign, execution, activity, kind, hour) DO UPDATE SET events = {Hours}.events + excluded.events",
                    ("@activity", activity), ("@kind", kind), ("@hour", hour), ("@events", events));
            foreach (var ((activity, reason), profiles) in _bounces)
                await AddAsync($"{Bounces} (campaign, execution, activity, reason, profiles) VALUES (@campaign, @execution, @activity, @reason, @profiles) " +
                    $"ON CONFLICT (campaign, execution, activity, reason) DO UPDATE SET profiles = {Bounces}.profiles + excluded.profiles",
                    ("@activity", activity), ("@reason", reason), ("@profiles", (long)profiles.Count));

            async Task AddAsync(string insert, params (string Name, object Value)[] values)
            {
                await using var command = Command(connection, "INSERT INTO " + insert, transaction);
                Execution(command, campaign, execution);
                foreach (var (name, value) in values)
                    Parameter(command, name, value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
