using System.Data.Common;
using System.Collections.Concurrent;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Deliveries;

/// <summary>One batch of messages of one channel activity in one execution.</summary>
public sealed record DeliveryBatch(string Campaign, string Execution, string Activity, long Batch);

public enum ClaimState { Claimed, Sent }

/// <summary>
/// A batch's claim: <see cref="ProviderState"/> is what the provider noted before sending (the outbox: where the
/// file ended), so a claim found <see cref="ClaimState.Claimed"/> after a crash is retried without sending twice.
/// </summary>
public sealed record Claim(DeliveryBatch Batch, ClaimState State, long Count, string? ProviderState, bool IsRetry);

/// <summary>One message as the ledger names it: an activity's message to a profile in an execution of a campaign.</summary>
/// <param name="Row">The entity row the message was for, when its activity sends one per row (its id names it).</param>
public sealed record MessageKey(string Campaign, string Execution, string Activity, long Profile, long? Row = null);

/// <summary>
/// What a channel activity's messages are: their channel (email, sms, push) and category (marketing, transactional).
/// Not <paramref name="ToProfiles"/>: messages to no one of the population (an alert, whose number stands where a
/// profile would in its claims): nothing is recorded in <c>sends</c>, which <c>sent(...)</c> and the frequency cap read.
/// </summary>
/// <param name="PerRow">Whether it sends one message per entity row: a profile may get several, counted in <c>sends.messages</c>.</param>
public sealed record Sending(string Channel, MessageCategory Category, bool ToProfiles = true, bool PerRow = false)
{
    /// <summary>How a category is written in <c>sendings.category</c>.</summary>
    public static string Name(MessageCategory category) => category.ToString().ToLowerInvariant();
}

/// <summary>
/// The delivery ledger: a batch is claimed before any of its messages is sent and marked sent after, so exactly one
/// message per profile per channel activity per execution leaves, across crashes and restarts. Claims are per
/// batch for providers that are idempotent on the message id (outbox, webhook).
/// A batch marked sent records, in the same transaction, a row per message sent in <c>sends</c> (profile, sending,
/// time): what <c>sent(...)</c> predicates and the frequency cap read. Its <c>sendings</c> name the campaign,
/// execution, activity, channel and category once, so a send is three numbers.
/// </summary>
public sealed partial class Ledger(Database database)
{
    /// <summary>Where the ledger is kept: a provider whose messages are rows of the same database is sent in its transactions.</summary>
    public Database Database => database;

    private const int SendsPerStatement = 2_000;

    /// <summary>Messages asked about per query: a few hundred keep their names' JSON text off the large object heap.</summary>
    private const int MessagesPerQuery = 256;

    private readonly ConcurrentDictionary<(string, string, string), long> _sendings = new();

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        var (identity, withoutRowId) = database.Dialect == SqlDialect.Sqlite
            ? ("INTEGER PRIMARY KEY", "WITHOUT ROWID")
            : ("bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "");
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS {Sends.Sendings} (
                id {identity}, campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL,
                channel {text} NOT NULL, category {text} NOT NULL, UNIQUE (campaign, execution, activity));
            CREATE TABLE IF NOT EXISTS {Sends.Table} (
                profile {whole} NOT NULL, sending {whole} NOT NULL, at {whole} NOT NULL, PRIMARY KEY (profile, sending)) {withoutRowId};
            CREATE TABLE IF NOT EXISTS delivery_batches (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, batch {whole} NOT NULL,
                state {text} NOT NULL, count {whole} NOT NULL, provider_state {text}, claimed_at {text} NOT NULL, sent_at {text},
                PRIMARY KEY (campaign, execution, activity, batch));
            CREATE TABLE IF NOT EXISTS delivery_messages (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, profile {whole} NOT NULL,
                state {text} NOT NULL, reason {text},
                PRIMARY KEY (campaign, execution, activity, profile));
            CREATE TABLE IF NOT EXISTS delivery_retries (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, profile {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity, profile));
            CREATE TABLE IF NOT EXISTS delivery_starts (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, started_at {whole} NOT NULL,
                PRIMARY KEY (campaign, execution, activity));
            CREATE TABLE IF NOT EXISTS partition_epochs (
                campaign {text} NOT NULL, execution {text} NOT NULL, activity {text} NOT NULL, partition {whole} NOT NULL,
                epoch {whole} NOT NULL, PRIMARY KEY (campaign, execution, activity, partition));
            """, cancellationToken);
        // When each message settled sent left, in Unix milliseconds: what tells an open on receipt (by a machine).
        await database.AddColumnAsync("delivery_messages", "settled_at", whole, cancellationToken);
        // How many messages of the sending the profile got, when more than one (one per entity row); null: one.
        await database.AddColumnAsync(Sends.Table, "messages", whole, cancellationToken);
    }

    /// <summary>
    /// Claims each message of a batch for a provider that is not idempotent (SMTP), and returns those settled before
    /// (by a run that crashed after sending them): key → null when sent, the reason when it failed. Those are not sent
    /// again; a message claimed but never settled is sent again with the same message id. A message is keyed by its
    /// profile, or by its entity row when its channel sends one per row (the <c>profile</c> column holds that key).
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string?>> ClaimMessagesAsync(DeliveryBatch batch, IReadOnlyList<long> profiles,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var settled = new Dictionary<long, string?>();
        await using (var select = Command(connection,
            "SELECT profile, state, reason FROM delivery_messages WHERE campaign = @campaign AND execution = @execution AND activity = @activity " +
            "AND profile BETWEEN @first AND @last AND state <> 'claimed'", transaction))
        {
            ActivityKey(select, batch);
            Parameter(select, "@first", profiles.Count == 0 ? 0 : profiles.Min());
            Parameter(select, "@last", profiles.Count == 0 ? -1 : profiles.Max());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            var wanted = profiles.ToHashSet();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (wanted.Contains(reader.GetInt64(0)))
                    settled[reader.GetInt64(0)] = reader.GetString(1) == "sent" ? null : reader.IsDBNull(2) ? "failed" : reader.GetString(2);
            }
        }
        await using (var insert = Command(connection, database.Dialect == SqlDialect.Sqlite
            ? "INSERT INTO delivery_messages (campaign, execution, activity, profile, state) " +
              "SELECT @campaign, @execution, @activity, value, 'claimed' FROM json_each(@profiles) WHERE true ON CONFLICT DO NOTHING"
            : "INSERT INTO delivery_messages (campaign, execution, activity, profile, state) " +
              "SELECT @campaign, @execution, @activity, unnest(@profiles), 'claimed' ON CONFLICT DO NOTHING", transaction))
        {
            ActivityKey(insert, batch);
            var ids = Parameter(insert, "@profiles", null);
            foreach (var chunk in profiles.Where(p => !settled.ContainsKey(p)).Chunk(SendsPerStatement))
            {
                ids.Value = Ids(chunk);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return settled;
    }

    /// <summary>
    /// Records what became of each message: sent (no failure) at <paramref name="at"/>, in a statement per few thousand,
    /// or failed with its reason, one by one (refusals are few); and, in the same transaction, the messages that needed
    /// more than one try (<paramref name="retried"/>: the provider could not be reached at a try), each counted once
    /// however many it took.
    /// </summary>
    public async Task SettleMessagesAsync(DeliveryBatch batch, IReadOnlyList<(long Profile, string? Failure)> results, IReadOnlyList<long> retried,
        DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string message = "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND ";
        await using (var sent = Command(connection, "UPDATE delivery_messages SET state = 'sent', reason = NULL, settled_at = @at " + message +
            (database.Dialect == SqlDialect.Sqlite ? "profile IN (SELECT value FROM json_each(@profiles))" : "profile = ANY(@profiles)"), transaction))
        {
            ActivityKey(sent, batch);
            Parameter(sent, "@at", at.ToUnixTimeMilliseconds());
            var ids = Parameter(sent, "@profiles", null);
            foreach (var chunk in results.Where(r => r.Failure is null).Select(r => r.Profile).Chunk(SendsPerStatement))
            {
                ids.Value = Ids(chunk);
                await sent.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var failed = Command(connection, "UPDATE delivery_messages SET state = 'failed', reason = @reason " + message + "profile = @profile", transaction))
        {
            ActivityKey(failed, batch);
            var (reason, profile) = (Parameter(failed, "@reason", null), Parameter(failed, "@profile", 0L));
            foreach (var (id, failure) in results.Where(r => r.Failure is not null))
            {
                (reason.Value, profile.Value) = (failure!, id);
                await failed.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using (var retries = Command(connection, "INSERT INTO delivery_retries (campaign, execution, activity, profile) " + (database.Dialect == SqlDialect.Sqlite
            ? "SELECT @campaign, @execution, @activity, value FROM json_each(@profiles) WHERE true ON CONFLICT DO NOTHING"
            : "SELECT @campaign, @execution, @activity, unnest(@profiles) ON CONFLICT DO NOTHING"), transaction))
        {
            ActivityKey(retries, batch);
            var ids = Parameter(retries, "@profiles", null);
            foreach (var chunk in retried.Chunk(SendsPerStatement))
            {
                ids.Value = Ids(chunk);
                await retries.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Messages that needed more than one try, per execution and activity, for one campaign.</summary>
    public async Task<IReadOnlyList<(string Execution, string Activity, long Messages)>> RetriesAsync(string campaign, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT execution, activity, COUNT(*) FROM delivery_retries WHERE campaign = @campaign GROUP BY execution, activity");
        Parameter(command, "@campaign", campaign);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var retries = new List<(string, string, long)>();
        while (await reader.ReadAsync(cancellationToken))
            retries.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return retries;
    }

    /// <summary>Messages a provider refused, per execution, activity and reason, for one campaign.</summary>
    public async Task<IReadOnlyList<(string Execution, string Activity, string Reason, long Messages)>> FailuresAsync(string campaign,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT execution, activity, COALESCE(reason, 'failed'), COUNT(*) FROM delivery_messages WHERE campaign = @campaign AND state = 'failed' " +
            "GROUP BY execution, activity, COALESCE(reason, 'failed')");
        Parameter(command, "@campaign", campaign);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var failures = new List<(string, string, string, long)>();
        while (await reader.ReadAsync(cancellationToken))
            failures.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        return failures;
    }

    /// <summary>
    /// Claims a batch, or returns the claim that already exists for it: <see cref="Claim.IsRetry"/> says the batch
    /// was claimed before (by a run that may have crashed while sending).
    /// </summary>
    public async Task<Claim> ClaimAsync(DeliveryBatch batch, long count, string? providerState, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ClaimAsync(connection, null, batch, count, providerState, cancellationToken);
    }

    private static async Task<Claim> ClaimAsync(DbConnection connection, DbTransaction? transaction, DeliveryBatch batch, long count, string? providerState,
        CancellationToken cancellationToken)
    {
        await using (var insert = Command(connection,
            "INSERT INTO delivery_batches (campaign, execution, activity, batch, state, count, provider_state, claimed_at) " +
            "VALUES (@campaign, @execution, @activity, @batch, 'claimed', @count, @provider, @at) ON CONFLICT DO NOTHING", transaction))
        {
            Key(insert, batch);
            Parameter(insert, "@count", count);
            Parameter(insert, "@provider", providerState);
            Parameter(insert, "@at", DateTime.UtcNow.ToString("O"));
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                return new Claim(batch, ClaimState.Claimed, count, providerState, IsRetry: false);
        }
        await using var select = Command(connection,
            "SELECT state, count, provider_state FROM delivery_batches " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND batch = @batch", transaction);
        Key(select, batch);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var state = reader.GetString(0) == "sent" ? ClaimState.Sent : ClaimState.Claimed;
        return new Claim(batch, state, reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), IsRetry: true);
    }

    /// <summary>Marks a batch sent and records, in the same transaction, the messages of it that left at <paramref name="at"/>.</summary>
    public async Task MarkSentAsync(DeliveryBatch batch, Sending sending, DateTimeOffset at, IReadOnlyList<long> sent,
        CancellationToken cancellationToken = default)
    {
        var sendingId = await SendingIdAsync(batch, sending, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await MarkSentAsync(connection, transaction, batch, sendingId, sending.PerRow, at, sent, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Claims a batch, writes it (<paramref name="write"/>, in the same transaction) and marks it sent, for a provider
    /// whose messages are rows of this database (a cluster's outbox table): one commit, and a crash leaves the batch
    /// wholly sent or not at all. False when the batch was sent before.
    /// </summary>
    /// <param name="count">The batch's messages.</param>
    /// <param name="sent">The profiles to record in <c>sends</c> (none for messages to no one of the population).</param>
    public async Task<bool> SendWithinAsync(DeliveryBatch batch, Sending sending, DateTimeOffset at, long count, IReadOnlyList<long> sent,
        Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken = default)
    {
        var sendingId = await SendingIdAsync(batch, sending, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Waits for another transaction claiming the same batch, if any, then finds it sent.
        if ((await ClaimAsync(connection, transaction, batch, count, null, cancellationToken)).State == ClaimState.Sent)
            return false;
        await write(connection, transaction);
        await MarkSentAsync(connection, transaction, batch, sendingId, sending.PerRow, at, sent, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <param name="sent">The profile of each message that left: once each, or, <paramref name="perRow"/>, once per message.</param>
    private async Task MarkSentAsync(DbConnection connection, DbTransaction transaction, DeliveryBatch batch, long sendingId, bool perRow, DateTimeOffset at,
        IReadOnlyList<long> sent, CancellationToken cancellationToken)
    {
        int marked;
        await using (var command = Command(connection,
            "UPDATE delivery_batches SET state = 'sent', sent_at = @at " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND batch = @batch AND state <> 'sent'", transaction))
        {
            Key(command, batch);
            Parameter(command, "@at", at.UtcDateTime.ToString("O"));
            marked = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        // Messages per row add up: a batch marked before (a crash after its commit) adds nothing again.
        if (perRow && marked == 0)
            return;
        if (perRow)
        {
            await AddRowSendsAsync(connection, transaction, sendingId, at, sent, cancellationToken);
            return;
        }
        // A statement per few thousand ids, which travel as one JSON text (SQLite) or one array (PostgreSQL), each
        // small enough to stay off the large object heap (a 10,000-id text there made the heap grow at 10M profiles).
        await using var insert = Command(connection, database.Dialect == SqlDialect.Sqlite
            ? $"INSERT OR IGNORE INTO {Sends.Table} (profile, sending, at) SELECT value, @sending, @at FROM json_each(@profiles)"
            : $"INSERT INTO {Sends.Table} (profile, sending, at) SELECT unnest(@profiles), @sending, @at ON CONFLICT DO NOTHING", transaction);
        Parameter(insert, "@sending", sendingId);
        Parameter(insert, "@at", at.ToUnixTimeMilliseconds());
        var profiles = Parameter(insert, "@profiles", null);
        foreach (var chunk in sent.Chunk(SendsPerStatement))
        {
            profiles.Value = Ids(chunk);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Adds a per-row batch's messages to each profile's count of the sending, its time the latest: counted here, in
    /// ascending profile order, so two batches recorded at once lock their rows in the same order (PostgreSQL sends
    /// two batches at once: in any other order they could deadlock on the profiles they share).
    /// </summary>
    private async Task AddRowSendsAsync(DbConnection connection, DbTransaction transaction, long sendingId, DateTimeOffset at, IReadOnlyList<long> sent,
        CancellationToken cancellationToken)
    {
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        await using var insert = Command(connection, sqlite
            ? $"INSERT INTO {Sends.Table} (profile, sending, at, messages) SELECT value->>0, @sending, @at, value->>1 FROM json_each(@counts) WHERE true " +
                $"ON CONFLICT (profile, sending) DO UPDATE SET messages = COALESCE({Sends.Table}.messages, 1) + excluded.messages, at = MAX({Sends.Table}.at, excluded.at)"
            : $"INSERT INTO {Sends.Table} (profile, sending, at, messages) SELECT p, @sending, @at, n FROM unnest(@profiles, @counts) AS u(p, n) " +
                $"ON CONFLICT (profile, sending) DO UPDATE SET messages = COALESCE({Sends.Table}.messages, 1) + EXCLUDED.messages, at = GREATEST({Sends.Table}.at, EXCLUDED.at)",
            transaction);
        Parameter(insert, "@sending", sendingId);
        Parameter(insert, "@at", at.ToUnixTimeMilliseconds());
        var (profiles, counts) = (sqlite ? null : Parameter(insert, "@profiles", null), Parameter(insert, "@counts", null));
        foreach (var chunk in sent.CountBy(p => p).OrderBy(c => c.Key).Chunk(SendsPerStatement))
        {
            if (sqlite)
            {
                counts.Value = $"[{string.Join(',', chunk.Select(c => $"[{c.Key},{c.Value}]"))}]";
            }
            else
            {
                profiles!.Value = chunk.Select(c => c.Key).ToArray();
                counts.Value = chunk.Select(c => (long)c.Value).ToArray();
            }
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Of <paramref name="profiles"/>, those sent marketing messages of a channel since a time, with how many (each of
    /// a sending per entity row counts), leaving out the sending of <paramref name="except"/> (campaign, execution,
    /// activity): an activity counts what it sends itself as it goes.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, long>> SentCountsAsync(string channel, DateTimeOffset since, IReadOnlyList<long> profiles,
        DeliveryBatch? except = null, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<long, long>();
        if (profiles.Count == 0)
            return counts;
        await using var connection = await database.OpenAsync(cancellationToken);
        var among = database.Dialect == SqlDialect.Sqlite ? "s.profile IN (SELECT value FROM json_each(@profiles))" : "s.profile = ANY(@profiles)";
        await using var command = Command(connection,
            $"SELECT s.profile, SUM(COALESCE(s.messages, 1)) FROM {Sends.Table} s JOIN {Sends.Sendings} g ON g.id = s.sending " +
            $"WHERE g.channel = @channel AND g.category = @marketing AND s.at >= @since AND {among} " +
            "AND NOT (g.campaign = @campaign AND g.execution = @execution AND g.activity = @activity) GROUP BY s.profile");
        Parameter(command, "@channel", channel);
        Parameter(command, "@marketing", Sending.Name(MessageCategory.Marketing));
        Parameter(command, "@since", since.ToUnixTimeMilliseconds());
        Parameter(command, "@profiles", Ids(profiles));
        Parameter(command, "@campaign", except?.Campaign ?? "");
        Parameter(command, "@execution", except?.Execution ?? "");
        Parameter(command, "@activity", except?.Activity ?? "");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>
    /// Of <paramref name="messages"/>, those sent (what feedback may be about), each with the time it left: when it was
    /// settled sent, for a message a provider took one by one (SMTP), else when its batch was recorded in <c>sends</c>;
    /// null when neither is known (settled by a version that kept no time, its batch not recorded yet). A query per
    /// few hundred messages, which travel as one JSON text (SQLite) or one array per part (PostgreSQL).
    /// </summary>
    public async Task<IReadOnlyDictionary<MessageKey, DateTimeOffset?>> SentAtAsync(IReadOnlyCollection<MessageKey> messages,
        CancellationToken cancellationToken = default)
    {
        var sent = new Dictionary<MessageKey, DateTimeOffset?>();
        if (messages.Count == 0)
            return sent;
        await using var connection = await database.OpenAsync(cancellationToken);
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        var asked = sqlite
            ? "(SELECT value->>0 AS campaign, value->>1 AS execution, value->>2 AS activity, value->>3 AS profile, value->>4 AS row FROM json_each(@messages)) m"
            : "unnest(@campaign, @execution, @activity, @profile, @row) AS m(campaign, execution, activity, profile, row)";
        // A message a provider took one by one is settled as sent before its batch is recorded in sends: feedback
        // arriving in between (a bounce within seconds, a long batch through SMTP) is about a message sent all the same.
        // A message per entity row is settled by its row.
        await using var command = Command(connection, $"SELECT m.campaign, m.execution, m.activity, m.profile, m.row, COALESCE(d.settled_at, s.at) FROM {asked} " +
            $"LEFT JOIN {Sends.Sendings} g ON g.campaign = m.campaign AND g.execution = m.execution AND g.activity = m.activity " +
            $"LEFT JOIN {Sends.Table} s ON s.sending = g.id AND s.profile = m.profile " +
            "LEFT JOIN delivery_messages d ON d.campaign = m.campaign AND d.execution = m.execution AND d.activity = m.activity AND d.profile = COALESCE(m.row, m.profile) " +
            "AND d.state = 'sent' WHERE s.profile IS NOT NULL OR d.profile IS NOT NULL");
        var parameters = (sqlite ? ["@messages"] : new[] { "@campaign", "@execution", "@activity", "@profile", "@row" })
            .Select(name => Parameter(command, name, null)).ToArray();
        foreach (var chunk in messages.Chunk(MessagesPerQuery))
        {
            if (sqlite)
            {
                parameters[0].Value = System.Text.Json.JsonSerializer.Serialize(chunk.Select(m => new object?[] { m.Campaign, m.Execution, m.Activity, m.Profile, m.Row }));
            }
            else
            {
                object[] values = [chunk.Select(m => m.Campaign).ToArray(), chunk.Select(m => m.Execution).ToArray(),
                    chunk.Select(m => m.Activity).ToArray(), chunk.Select(m => m.Profile).ToArray(), chunk.Select(m => m.Row).ToArray()];
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i];
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sent[new MessageKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4))] =
                    reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5));
            }
        }
        return sent;
    }

    private object Ids(IReadOnlyCollection<long> ids) => database.Dialect == SqlDialect.Sqlite ? $"[{string.Join(',', ids)}]" : ids.ToArray();

    /// <summary>The id of the activity's sending, registered once (by whichever node gets there first) and then kept.</summary>
    private async Task<long> SendingIdAsync(DeliveryBatch batch, Sending sending, CancellationToken cancellationToken)
    {
        var key = (batch.Campaign, batch.Execution, batch.Activity);
        if (_sendings.TryGetValue(key, out var known))
            return known;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = Command(connection,
            $"INSERT INTO {Sends.Sendings} (campaign, execution, activity, channel, category) " +
            "VALUES (@campaign, @execution, @activity, @channel, @category) ON CONFLICT DO NOTHING"))
        {
            ActivityKey(insert, batch);
            Parameter(insert, "@channel", sending.Channel);
            Parameter(insert, "@category", Sending.Name(sending.Category));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var select = Command(connection,
            $"SELECT id FROM {Sends.Sendings} WHERE campaign = @campaign AND execution = @execution AND activity = @activity");
        ActivityKey(select, batch);
        var id = Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken));
        return _sendings.GetOrAdd(key, id);
    }

    /// <summary>How many messages of an activity in an execution are marked sent.</summary>
    public async Task<long> SentAsync(string campaign, string execution, string activity, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT COALESCE(SUM(count), 0) FROM delivery_batches " +
            "WHERE campaign = @campaign AND execution = @execution AND activity = @activity AND state = 'sent'");
        Parameter(command, "@campaign", campaign);
        Parameter(command, "@execution", execution);
        Parameter(command, "@activity", activity);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    private static void Key(System.Data.Common.DbCommand command, DeliveryBatch batch)
    {
        ActivityKey(command, batch);
        Parameter(command, "@batch", batch.Batch);
    }

    private static void ActivityKey(System.Data.Common.DbCommand command, DeliveryBatch batch)
    {
        Parameter(command, "@campaign", batch.Campaign);
        Parameter(command, "@execution", batch.Execution);
        Parameter(command, "@activity", batch.Activity);
    }
}
