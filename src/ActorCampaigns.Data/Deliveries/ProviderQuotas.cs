using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Deliveries;

/// <summary>A channel's quota at its provider: at most <paramref name="Messages"/> within any <paramref name="Window"/>.</summary>
public sealed record ProviderQuota(long Messages, TimeSpan Window)
{
    /// <summary>A quota written <c>50000/PT1H</c>, or why not.</summary>
    public static bool TryParse(string text, out ProviderQuota? quota, out string error)
    {
        (quota, error) = (null, "");
        var parts = text.Split('/');
        if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var messages))
            error = $"'{text}' is not a quota written messages/duration, such as 50000/PT1H";
        else if (messages <= 0)
            error = $"a quota of {messages} messages sends nothing: give at least 1, or no quota";
        else if (!Domain.Time.IsoDuration.TryParse(parts[1], out var window, out var why))
            error = why;
        else if (window <= TimeSpan.Zero)
            error = "a quota's window must be longer than zero";
        else
            quota = new ProviderQuota(messages, window);
        return quota is not null;
    }
}

/// <summary>Who waits for a channel's quota: one run of a channel activity (a partition's run is one of its own).</summary>
public sealed record QuotaWaiter(string Campaign, string Execution, string Activity, int Partition);

/// <summary>
/// The providers' quotas, counted in the database every node shares, so one counter holds for all campaigns and all
/// members. Each grant is a row (channel, activity, time, messages); a grant is given inside a transaction that holds
/// the channel's lock (SQLite: the writer lock; PostgreSQL: an advisory lock), so two members never both take the last
/// of a window. Runs asking are kept as waiters (alive while they ask again within <see cref="Abandoned"/> of real
/// time: windows are counted on the node's clock, which a test may move, liveness on the system's), and a
/// scarce quota is shared out fairly, activity by activity (a campaign's partitions count as one): a run is granted
/// only when the window has room for its slice after the slices asked by the runs of other activities that come
/// before it, those whose activity was served less over the last two windows, or as much and has waited longer (a grant sends its
/// activity's runs to the back); and while other activities ask, an activity takes no more than an equal part of a
/// window. So campaigns asking at once get equal parts, a small campaign is not stuck behind a large one however many
/// partitions the large one has, and a campaign alone takes it all.
/// </summary>
public sealed class ProviderQuotas(Database database)
{
    /// <summary>A waiter not seen asking for this long is gone (its run ended or stopped, its member died): it no longer counts.</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromSeconds(10);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS provider_quota_grants (
                channel {text} NOT NULL, campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, at {whole} NOT NULL, messages {whole} NOT NULL);
            CREATE INDEX IF NOT EXISTS provider_quota_grants_at ON provider_quota_grants (channel, at);
            CREATE TABLE IF NOT EXISTS provider_quota_waiters (
                channel {text} NOT NULL, campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, part {whole} NOT NULL,
                since {whole} NOT NULL, seen {whole} NOT NULL, messages {whole} NOT NULL, refused {whole} NOT NULL,
                PRIMARY KEY (channel, campaign, execution, activity, part));
            """, cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="messages"/> (at most the quota's) of <paramref name="channel"/>'s quota at <paramref name="now"/>
    /// if the window has room and it is the waiter's turn; otherwise keeps the waiter asking (its place kept).
    /// </summary>
    /// <returns>True when granted.</returns>
    /// <param name="now">The time of the node's clock, which windows are counted in.</param>
    /// <param name="seen">The real time (the system's clock, which no test moves), which says whether a waiter still asks.</param>
    public async Task<bool> TryTakeAsync(string channel, ProviderQuota quota, QuotaWaiter waiter, long messages, DateTimeOffset now, DateTimeOffset seen,
        CancellationToken cancellationToken = default)
    {
        var (at, seenAt) = (now.ToUnixTimeMilliseconds(), seen.ToUnixTimeMilliseconds());
        var alive = seenAt - (long)Abandoned.TotalMilliseconds;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Dialect == SqlDialect.PostgreSql)
        {
            await using var lockChannel = Command(connection, "SELECT pg_advisory_xact_lock(hashtext('provider quota ' || @channel))", transaction);
            Parameter(lockChannel, "@channel", channel);
            await lockChannel.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var ask = Command(connection,
            "INSERT INTO provider_quota_waiters (channel, campaign, execution, activity, part, since, seen, messages, refused) " +
            "VALUES (@channel, @campaign, @execution, @activity, @part, @at, @seen, @messages, 0) " +
            // A run back after a while (not asking since it was last granted) queues again from now.
            "ON CONFLICT (channel, campaign, execution, activity, part) DO UPDATE SET seen = @seen, messages = @messages, " +
            "since = CASE WHEN provider_quota_waiters.seen < @alive THEN @at ELSE provider_quota_waiters.since END", transaction))
        {
            Waiter(ask, channel, waiter);
            Parameter(ask, "@at", at);
            Parameter(ask, "@seen", seenAt);
            Parameter(ask, "@alive", alive);
            Parameter(ask, "@messages", messages);
            await ask.ExecuteNonQueryAsync(cancellationToken);
        }
        // What the window has used, all told and by this activity, and since when this run waits.
        long used, mine, served, since, others;
        await using (var taken = Command(connection,
            "SELECT (SELECT COALESCE(SUM(messages), 0) FROM provider_quota_grants WHERE channel = @channel AND at > @from), " +
            "(SELECT COALESCE(SUM(messages), 0) FROM provider_quota_grants WHERE channel = @channel AND at > @from " +
            "AND campaign = @campaign AND execution = @execution AND activity = @activity), " +
            "(SELECT COALESCE(SUM(messages), 0) FROM provider_quota_grants WHERE channel = @channel AND at > @served " +
            "AND campaign = @campaign AND execution = @execution AND activity = @activity), " +
            "(SELECT since FROM provider_quota_waiters WHERE channel = @channel AND campaign = @campaign AND execution = @execution AND activity = @activity AND part = @part), " +
            "(SELECT COUNT(*) FROM (SELECT DISTINCT campaign, execution, activity FROM provider_quota_waiters WHERE channel = @channel AND seen >= @alive " +
            "AND NOT (campaign = @campaign AND execution = @execution AND activity = @activity)) o)",
            transaction))
        {
            Waiter(taken, channel, waiter);
            Parameter(taken, "@from", at - (long)quota.Window.TotalMilliseconds);
            Parameter(taken, "@served", at - 2 * (long)quota.Window.TotalMilliseconds);
            Parameter(taken, "@alive", alive);
            await using var reader = await taken.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (used, mine, served, since, others) = (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)),
                Convert.ToInt64(reader.GetValue(3)), Convert.ToInt64(reader.GetValue(4)));
        }
        // While other activities ask, no more than an equal part of the window (a slice granted while below it).
        var share = (quota.Messages + others) / (others + 1);
        // What the runs of other activities before it ask for: those whose activity was served less over the last two
        // windows (the last alone would favour, at each window's turn, whoever asked first in the one before), or as
        // much and waited longer; and that can be granted now, below their equal part of this window (room kept for a
        // run held at its part would be room nobody takes).
        await using (var before = Command(connection,
            "SELECT COALESCE(SUM(w.messages), 0) FROM provider_quota_waiters w LEFT JOIN (SELECT campaign, execution, activity, SUM(messages) AS used " +
            "FROM provider_quota_grants WHERE channel = @channel AND at > @served GROUP BY campaign, execution, activity) g " +
            "ON g.campaign = w.campaign AND g.execution = w.execution AND g.activity = w.activity " +
            "LEFT JOIN (SELECT campaign, execution, activity, SUM(messages) AS used " +
            "FROM provider_quota_grants WHERE channel = @channel AND at > @from GROUP BY campaign, execution, activity) n " +
            "ON n.campaign = w.campaign AND n.execution = w.execution AND n.activity = w.activity " +
            "WHERE w.channel = @channel AND w.seen >= @alive AND NOT (w.campaign = @campaign AND w.execution = @execution AND w.activity = @activity) " +
            "AND COALESCE(n.used, 0) < @share " +
            "AND (COALESCE(g.used, 0) < @mine OR (COALESCE(g.used, 0) = @mine AND w.since < @since))", transaction))
        {
            Waiter(before, channel, waiter);
            Parameter(before, "@served", at - 2 * (long)quota.Window.TotalMilliseconds);
            Parameter(before, "@from", at - (long)quota.Window.TotalMilliseconds);
            Parameter(before, "@alive", alive);
            Parameter(before, "@mine", served);
            Parameter(before, "@since", since);
            Parameter(before, "@share", share);
            used += Convert.ToInt64(await before.ExecuteScalarAsync(cancellationToken));
        }
        var granted = used + messages <= quota.Messages && mine < share;
        if (granted)
        {
            await using var grant = Command(connection,
                "INSERT INTO provider_quota_grants (channel, campaign, execution, activity, at, messages) VALUES (@channel, @campaign, @execution, @activity, @at, @messages); " +
                // The activity's runs go to the back; grants older than two windows count no more, waiters long gone are forgotten.
                // (strictly behind every waiter: two grants in one millisecond still queue in order)
                "UPDATE provider_quota_waiters SET refused = 0, since = (SELECT MAX(m) FROM (SELECT @at AS m UNION ALL " +
                "SELECT MAX(since) + 1 FROM provider_quota_waiters WHERE channel = @channel) last) " +
                "WHERE channel = @channel AND campaign = @campaign AND execution = @execution AND activity = @activity; " +
                "DELETE FROM provider_quota_grants WHERE channel = @channel AND at <= @before; " +
                "DELETE FROM provider_quota_waiters WHERE channel = @channel AND seen < @gone", transaction);
            Waiter(grant, channel, waiter);
            Parameter(grant, "@at", at);
            Parameter(grant, "@messages", messages);
            Parameter(grant, "@before", at - 2 * (long)quota.Window.TotalMilliseconds);
            Parameter(grant, "@gone", seenAt - 10 * (long)Abandoned.TotalMilliseconds);
            await grant.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var refuse = Command(connection, "UPDATE provider_quota_waiters SET refused = 1 WHERE channel = @channel AND campaign = @campaign " +
                                                         "AND execution = @execution AND activity = @activity AND part = @part", transaction);
            Waiter(refuse, channel, waiter);
            await refuse.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return granted;
    }

    /// <summary>The waiter stopped asking (its run ended or stopped): it leaves the queue.</summary>
    public async Task LeaveAsync(string channel, QuotaWaiter waiter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var leave = Command(connection, "DELETE FROM provider_quota_waiters WHERE channel = @channel AND campaign = @campaign AND execution = @execution " +
                                                    "AND activity = @activity AND part = @part");
        Waiter(leave, channel, waiter);
        await leave.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The activities of a campaign whose runs were last refused their channel's quota, at <paramref name="now"/>: activity → (channel, in line since).</summary>
    /// <param name="seen">The real time (the system's clock).</param>
    public async Task<IReadOnlyDictionary<string, (string Channel, DateTimeOffset Since)>> WaitingAsync(string campaign, DateTimeOffset seen,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection,
            "SELECT activity, channel, MIN(since) FROM provider_quota_waiters WHERE campaign = @campaign AND seen >= @alive AND refused = 1 GROUP BY activity, channel");
        Parameter(select, "@campaign", campaign);
        Parameter(select, "@alive", seen.ToUnixTimeMilliseconds() - (long)Abandoned.TotalMilliseconds);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var waiting = new Dictionary<string, (string, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken))
            waiting[reader.GetString(0)] = (reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2))));
        return waiting;
    }

    private static void Waiter(System.Data.Common.DbCommand command, string channel, QuotaWaiter waiter)
    {
        Parameter(command, "@channel", channel);
        Parameter(command, "@campaign", waiter.Campaign);
        Parameter(command, "@execution", waiter.Execution);
        Parameter(command, "@activity", waiter.Activity);
        Parameter(command, "@part", (long)waiter.Partition);
    }
}
