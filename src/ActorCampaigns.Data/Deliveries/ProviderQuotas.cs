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
/// members. Each grant is a row (channel, time, messages); a grant is given inside a transaction that holds the
/// channel's lock (SQLite: the writer lock; PostgreSQL: an advisory lock), so two members never both take the last
/// of a window. Waiters queue: a run is granted when the window has room for its slice after the slices of every run
/// that has waited longer (among those still asking, seen within <see cref="Abandoned"/>), and a run granted goes to
/// the back, so runs share a scarce quota in turn, slice by slice (a small campaign is not stuck behind a large one),
/// and an ample one at once.
/// </summary>
public sealed class ProviderQuotas(Database database)
{
    /// <summary>A waiter not seen asking for this long is gone (its member died, its run stopped): it no longer holds the queue.</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromSeconds(10);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS provider_quota_grants (channel {text} NOT NULL, at {whole} NOT NULL, messages {whole} NOT NULL);
            CREATE INDEX IF NOT EXISTS provider_quota_grants_at ON provider_quota_grants (channel, at);
            CREATE TABLE IF NOT EXISTS provider_quota_waiters (
                channel {text} NOT NULL, campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, part {whole} NOT NULL,
                since {whole} NOT NULL, seen {whole} NOT NULL, messages {whole} NOT NULL, PRIMARY KEY (channel, campaign, execution, activity, part));
            """, cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="messages"/> (at most the quota's) of <paramref name="channel"/>'s quota at <paramref name="now"/>
    /// if the window has room and no one has waited longer; otherwise queues the waiter (or keeps its place).
    /// </summary>
    /// <returns>True when granted.</returns>
    public async Task<bool> TryTakeAsync(string channel, ProviderQuota quota, QuotaWaiter waiter, long messages, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var at = now.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Dialect == SqlDialect.PostgreSql)
        {
            await using var lockChannel = Command(connection, "SELECT pg_advisory_xact_lock(hashtext('provider quota ' || @channel))", transaction);
            Parameter(lockChannel, "@channel", channel);
            await lockChannel.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var queue = Command(connection,
            "INSERT INTO provider_quota_waiters (channel, campaign, execution, activity, part, since, seen, messages) " +
            "VALUES (@channel, @campaign, @execution, @activity, @part, @at, @at, @messages) " +
            "ON CONFLICT (channel, campaign, execution, activity, part) DO UPDATE SET seen = @at, messages = @messages", transaction))
        {
            Waiter(queue, channel, waiter);
            Parameter(queue, "@at", at);
            Parameter(queue, "@messages", messages);
            await queue.ExecuteNonQueryAsync(cancellationToken);
        }
        // What the window has used, and what the runs that waited longer ask for.
        await using (var taken = Command(connection,
            "SELECT (SELECT COALESCE(SUM(messages), 0) FROM provider_quota_grants WHERE channel = @channel AND at > @from) + " +
            "(SELECT COALESCE(SUM(w.messages), 0) FROM provider_quota_waiters w JOIN provider_quota_waiters me ON me.channel = w.channel " +
            "AND me.campaign = @campaign AND me.execution = @execution AND me.activity = @activity AND me.part = @part " +
            "WHERE w.channel = @channel AND w.seen >= @alive AND w.since < me.since)", transaction))
        {
            Waiter(taken, channel, waiter);
            Parameter(taken, "@from", at - (long)quota.Window.TotalMilliseconds);
            Parameter(taken, "@alive", at - (long)Abandoned.TotalMilliseconds);
            if (Convert.ToInt64(await taken.ExecuteScalarAsync(cancellationToken)) + messages > quota.Messages)
                return await QueuedAsync();
        }
        await using (var grant = Command(connection, "INSERT INTO provider_quota_grants (channel, at, messages) VALUES (@channel, @at, @messages)", transaction))
        {
            Parameter(grant, "@channel", channel);
            Parameter(grant, "@at", at);
            Parameter(grant, "@messages", messages);
            await grant.ExecuteNonQueryAsync(cancellationToken);
        }
        // Granted: out of the queue; its next slice queues again, behind those waiting now.
        await using (var leave = Command(connection, "DELETE FROM provider_quota_waiters WHERE channel = @channel AND campaign = @campaign AND execution = @execution " +
                                                     "AND activity = @activity AND part = @part", transaction))
        {
            Waiter(leave, channel, waiter);
            await leave.ExecuteNonQueryAsync(cancellationToken);
        }
        // Grants older than the window count no more, and waiters long gone are forgotten.
        await using (var forget = Command(connection, "DELETE FROM provider_quota_grants WHERE channel = @channel AND at <= @before; " +
                                                      "DELETE FROM provider_quota_waiters WHERE channel = @channel AND seen < @gone", transaction))
        {
            Parameter(forget, "@channel", channel);
            Parameter(forget, "@before", at - (long)quota.Window.TotalMilliseconds);
            Parameter(forget, "@gone", at - 10 * (long)Abandoned.TotalMilliseconds);
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;

        // Not granted: the waiter's place in the queue (or that it still asks) is kept.
        async Task<bool> QueuedAsync()
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }
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

    /// <summary>The activities of a campaign's runs waiting for a channel's quota at <paramref name="now"/>: activity → (channel, since when).</summary>
    public async Task<IReadOnlyDictionary<string, (string Channel, DateTimeOffset Since)>> WaitingAsync(string campaign, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection,
            "SELECT activity, channel, MIN(since) FROM provider_quota_waiters WHERE campaign = @campaign AND seen >= @alive GROUP BY activity, channel");
        Parameter(select, "@campaign", campaign);
        Parameter(select, "@alive", now.ToUnixTimeMilliseconds() - (long)Abandoned.TotalMilliseconds);
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
