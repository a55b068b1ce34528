using System.Diagnostics;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Telemetry;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// What sending a batch did: how many messages left now, the messages the provider refused by their key (the profile,
/// or the entity row: <see cref="OutboundMessage.Key"/>), with why, and the profile of each message that left, to record
/// when the batch is marked sent (null: nothing left to record, the batch being marked before, or in the transaction
/// that sent it).
/// </summary>
public sealed record DeliveryOutcome(int Sent, IReadOnlyDictionary<long, string> Failed, IReadOnlyList<long>? ToMark)
{
    public static DeliveryOutcome None { get; } = new(0, new Dictionary<long, string>(), null);
}

/// <summary>
/// Sends one batch of a channel activity exactly once, through the channel's provider (the outbox when the node names
/// none). A provider that can take a batch again after a crash (<see cref="IMessageSender.Idempotent"/>: the outbox file
/// skips what it holds from where it ended at the claim, a cluster's outbox table is keyed by message id) is claimed per
/// batch, noting its checkpoint, and a batch found claimed but not sent is sent again whole. Through a provider that sends
/// one by one (SMTP, webhooks), messages are also claimed one by one and settled with their result: a message settled
/// before a crash is not sent again, one claimed but unsettled is, with the same message id (Message-ID,
/// Idempotency-Key), and each refusal keeps its reason; a message the provider deferred (unreachable) is tried again
/// later, and recorded as retried. Such messages go in chunks of <see cref="SettledChunk"/>, each settled before the
/// next: a run stopped meanwhile (pause, stop, a member leaving) finishes the chunk it started and settles it, so what
/// left is never sent again; only a process killed mid-chunk leaves up to a chunk unsettled.
/// A batch is sent in two steps, so that marking one (which records each message that left, at the engine clock's
/// time: what <c>sent(...)</c> reads) overlaps sending the next: <see cref="SendAsync(DeliveryBatch, Sending, MessageBatch, CancellationToken)"/>,
/// then <see cref="MarkSentAsync"/>. A crash between the two leaves the batch claimed, and its retry sends nothing twice.
/// </summary>
/// <param name="senders">The providers the node names, by channel; a channel without one goes to the outbox.</param>
/// <param name="lease">
/// The lease of the partition it sends for, in a partitioned execution: confirmed before each claim and, through a
/// provider that sends one by one, before each chunk of <see cref="SettledChunk"/> messages.
/// </param>
public sealed class Delivery(Ledger ledger, OutboxProvider outbox, IReadOnlyDictionary<string, IMessageSender> senders, TimeProvider clock,
    PartitionLease? lease = null)
{
    /// <summary>The node's delivery: its ledger, its outbox and the providers it has.</summary>
    public static Delivery For(EngineServices services, PartitionLease? lease = null) =>
        new(services.Ledger, services.Outbox, services.Senders ?? new Dictionary<string, IMessageSender>(), services.Clock, lease);

    /// <summary>
    /// Messages sent between two settlements (and two looks at a partition's lease), through a provider that sends one by
    /// one: what a killed process may leave unsettled, to go again. Each chunk waits for its slowest message, so a small
    /// one idles connections: `bench delivery` (8 connections) sent 2,900 messages/s in chunks of 8, 3,230 of 16, 3,420
    /// of 32 and 3,870 a batch (1,000) at once.
    /// </summary>
    public const int SettledChunk = 32;


    /// <summary>Between two tries of the messages a provider deferred: a circuit breaker's open spell spans several.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private IMessageSender SenderOf(string channel) => senders.TryGetValue(channel, out var sender) ? sender : outbox.For(channel);

    /// <summary>
    /// Batches of a channel sent at once: two when each is one transaction of the ledger's database (nothing orders
    /// them, and the server works on one while it commits the other), one otherwise.
    /// </summary>
    public int BatchesInFlight(string channel) => InLedgerDatabase(SenderOf(channel)) is null ? 1 : 2;

    private ITransactionalSender? InLedgerDatabase(IMessageSender sender) =>
        sender is ITransactionalSender rows && ReferenceEquals(rows.Database, ledger.Database) ? rows : null;

    /// <summary>An empty batch for a channel, to render its messages into, in the form its provider takes.</summary>
    public MessageBatch NewBatch(string channel, int expected) => SenderOf(channel).NewBatch(expected);

    public async Task<DeliveryOutcome> SendAsync(DeliveryBatch batch, Sending sending, IReadOnlyCollection<OutboundMessage> messages,
        CancellationToken cancellationToken = default)
    {
        using var rendered = NewBatch(sending.Channel, messages.Count);
        rendered.AddRange(messages);
        return await SendAsync(batch, sending, rendered, cancellationToken);
    }

    /// <param name="messages">The batch, made by <see cref="NewBatch"/> for this channel.</param>
    public async Task<DeliveryOutcome> SendAsync(DeliveryBatch batch, Sending sending, MessageBatch messages, CancellationToken cancellationToken = default)
    {
        var sender = SenderOf(sending.Channel);
        if (lease is not null)
            await lease.EnsureAsync(cancellationToken);
        return sender.Idempotent
            ? await SendBatchAsync(sender, batch, sending, messages, cancellationToken)
            : await SendOneByOneAsync(sender, batch, sending.Channel, MessageList.Of(messages), cancellationToken);
    }

    /// <summary>Counts what a provider answered now (what earlier runs settled is not counted again).</summary>
    private static void Count(string channel, IMessageSender sender, string outcome, long messages)
    {
        if (messages > 0)
            CampaignMetrics.Messages.Add(messages, new("channel", channel), new("provider", sender.Name), new("outcome", outcome));
    }

    /// <summary>
    /// Times a provider's call, as <see cref="CampaignMetrics.ProviderDuration"/>, and traces it as a span under the
    /// current one (its batch's), when the batch is traced.
    /// </summary>
    private static async Task<T> TimedAsync<T>(string channel, IMessageSender sender, int messages, Func<Task<T>> call)
    {
        using var span = Activity.Current?.Source != CampaignTracing.Source ? null
            : CampaignTracing.Source.StartActivity("campaign.provider.send", ActivityKind.Client)
                ?.SetTag("actorcampaigns.channel", channel).SetTag("actorcampaigns.provider", sender.Name).SetTag("actorcampaigns.provider.messages", messages);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            CampaignMetrics.ProviderDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new("channel", channel), new("provider", sender.Name));
        }
    }

    /// <summary>Times a claim in the ledger, as <see cref="CampaignMetrics.LedgerClaimDuration"/>.</summary>
    private static async Task<T> ClaimedAsync<T>(Func<Task<T>> claim)
    {
        var started = Stopwatch.GetTimestamp();
        var claimed = await claim();
        CampaignMetrics.LedgerClaimDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return claimed;
    }

    /// <summary>
    /// A provider that takes a batch again: claimed with its checkpoint, and sent again whole after a crash. One whose
    /// messages are rows of the ledger's database has its batch claimed, written and marked sent in one transaction.
    /// </summary>
    private async Task<DeliveryOutcome> SendBatchAsync(IMessageSender sender, DeliveryBatch batch, Sending sending, MessageBatch messages,
        CancellationToken cancellationToken)
    {
        if (InLedgerDatabase(sender) is { } rows)
        {
            // Claimed, written and marked in one transaction: the provider's time is the whole of it.
            var sentNow = await TimedAsync(sending.Channel, sender, messages.Count, () => ledger.SendWithinAsync(batch, sending, clock.GetUtcNow(), messages.Count,
                sending.ToProfiles ? messages.Profiles : [], (connection, transaction) => rows.WriteAsync(connection, transaction, messages, cancellationToken),
                cancellationToken));
            Count(sending.Channel, sender, "sent", sentNow ? messages.Count : 0);
            return sentNow ? new DeliveryOutcome(messages.Count, IMessageSender.NoneRefused, null) : DeliveryOutcome.None;
        }
        var checkpoint = await sender.CheckpointAsync(cancellationToken);
        var claim = await ClaimedAsync(() => ledger.ClaimAsync(batch, messages.Count, checkpoint, cancellationToken));
        if (claim.State == ClaimState.Sent)
            return DeliveryOutcome.None;
        var failed = await TimedAsync(sending.Channel, sender, messages.Count, () => sender.SendBatchAsync(messages, claim.IsRetry ? claim.ProviderState : null, cancellationToken));
        var left = Enumerable.Range(0, messages.Count).Where(i => !failed.ContainsKey(messages.Keys[i])).ToList();
        Count(sending.Channel, sender, "sent", left.Count);
        Count(sending.Channel, sender, "failed", failed.Count);
        return new DeliveryOutcome(left.Count, failed, left.Select(i => messages.Profiles[i]).ToList());
    }

    /// <summary>
    /// Sends what is not settled; messages deferred (the provider unreachable) stay claimed and go again after a pause,
    /// for as long as the provider's patience while none goes through; then the activity fails and resume sends them.
    /// Each round is settled before the next, so a crash while waiting sends nothing twice.
    /// </summary>
    private async Task<DeliveryOutcome> SendOneByOneAsync(IMessageSender sender, DeliveryBatch batch, string channel, IReadOnlyList<OutboundMessage> messages,
        CancellationToken cancellationToken)
    {
        // Messages are settled by their key: their entity row, for one message per row; else their profile.
        var (claim, settled) = await ClaimedAsync(async () => (await ledger.ClaimAsync(batch, messages.Count, null, cancellationToken),
            await ledger.ClaimMessagesAsync(batch, messages.Select(m => m.Key).ToList(), cancellationToken)));
        var failed = settled.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        if (claim.State == ClaimState.Sent)
            return new DeliveryOutcome(0, failed, null);
        var sent = new List<long>();
        var pending = messages.Where(m => !settled.ContainsKey(m.Key)).ToList();
        var lastAnswer = clock.GetUtcNow();
        // Each retried message is recorded once, not again at every round of an outage; and counted deferred once.
        var (retried, deferred) = (new HashSet<long>(), new HashSet<long>());
        while (pending.Count > 0)
        {
            var results = new List<SendResult>(pending.Count);
            foreach (var chunk in pending.Chunk(SettledChunk))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (lease is not null)
                    await lease.EnsureAsync(cancellationToken);
                // Not cancelled once started: a message the provider took and that is not settled would go again.
                var chunkResults = await TimedAsync(channel, sender, chunk.Length, () => sender.SendAsync(chunk, CancellationToken.None));
                // Counted as answered, chunk by chunk: a run stopped or failing later has counted what left.
                Count(channel, sender, "sent", chunkResults.Count(r => !r.Deferred && r.Sent));
                Count(channel, sender, "failed", chunkResults.Count(r => !r.Deferred && !r.Sent));
                Count(channel, sender, "deferred", chunkResults.Count(r => r.Deferred && deferred.Add(r.Message.Key)));
                await ledger.SettleMessagesAsync(batch, chunkResults.Where(r => !r.Deferred).Select(r => (r.Message.Key, r.Failure)).ToList(),
                    chunkResults.Where(r => (r.Deferred || r.Attempts > 1) && retried.Add(r.Message.Key)).Select(r => r.Message.Key).ToList(),
                    clock.GetUtcNow(), CancellationToken.None);
                results.AddRange(chunkResults);
            }
            var answered = results.Where(r => !r.Deferred).ToList();
            foreach (var result in answered)
            {
                if (result.Sent)
                    sent.Add(result.Message.Key);
                else
                    failed[result.Message.Key] = result.Failure!;
            }
            pending = results.Where(r => r.Deferred).Select(r => r.Message).ToList();
            if (answered.Count > 0)
                lastAnswer = clock.GetUtcNow();
            if (pending.Count > 0 && clock.GetUtcNow() - lastAnswer >= sender.Patience)
                throw new ProviderUnreachableException(
                    $"the {channel} provider was unreachable for {sender.Patience.TotalSeconds:0} s ({results.First(r => r.Deferred).Failure}): " +
                    $"{pending.Count} messages of {BatchRange.Describe(batch.Batch)} wait, resume sends them", results.First(r => r.Deferred).Failure!,
                    pending.Select(m => m.Key).ToList());
            if (pending.Count > 0)
                await Task.Delay(RetryPause, clock, cancellationToken);
        }
        // The profiles of what left, now or before a crash. A message per profile is keyed by its profile; one per entity
        // row settled before a crash and not rendered now (its profile withdrew consent meanwhile) has none to record.
        var profileOf = messages.ToDictionary(m => m.Key, m => m.ProfileId);
        var perRow = messages.Any(m => m.Row is not null);
        var left = settled.Where(s => s.Value is null).Select(s => s.Key).Concat(sent)
            .Select(key => profileOf.TryGetValue(key, out var profile) ? profile : perRow ? (long?)null : key).OfType<long>().ToList();
        return new DeliveryOutcome(sent.Count, failed, left);
    }

    /// <summary>
    /// Gives up the messages of a batch its provider stayed unreachable for (the <c>ignore</c> error policy): each is
    /// settled failed with why, so no run sends it again, and the batch's outcome is read back as a rerun would: what
    /// left before, and the failures.
    /// </summary>
    public async Task<DeliveryOutcome> SkipAsync(DeliveryBatch batch, Sending sending, MessageBatch messages, ProviderUnreachableException unreachable,
        CancellationToken cancellationToken = default)
    {
        if (lease is not null)
            await lease.EnsureAsync(cancellationToken);
        var reason = $"skipped (onError ignore): the provider stayed unreachable ({unreachable.Reason})";
        await ledger.SettleMessagesAsync(batch, unreachable.Pending.Select(key => (key, (string?)reason)).ToList(), [], clock.GetUtcNow(), cancellationToken);
        Count(sending.Channel, SenderOf(sending.Channel), "failed", unreachable.Pending.Count);
        return await SendAsync(batch, sending, messages, cancellationToken);
    }

    /// <summary>The state the batch is recorded in (<c>claimed</c>, <c>sent</c>, <c>dropped</c>), or null when it was never begun.</summary>
    public Task<string?> BatchStateAsync(DeliveryBatch batch, CancellationToken cancellationToken) => ledger.BatchStateAsync(batch, cancellationToken);

    /// <summary>Records that quiet hours dropped the batch.</summary>
    public Task DropAsync(DeliveryBatch batch, CancellationToken cancellationToken) => ledger.DropAsync(batch, clock.GetUtcNow(), cancellationToken);

    /// <summary>Marks the batch sent and records the messages that left, unless it was marked before.</summary>
    public Task MarkSentAsync(DeliveryBatch batch, Sending sending, DeliveryOutcome outcome, CancellationToken cancellationToken = default) =>
        outcome.ToMark is { } left ? ledger.MarkSentAsync(batch, sending, clock.GetUtcNow(), sending.ToProfiles ? left : [], cancellationToken) : Task.CompletedTask;
}

/// <summary>
/// A provider stayed unreachable beyond its patience: the activity fails with this message, the batch's
/// <see cref="Pending"/> messages (by key) kept claimed; <see cref="Reason"/> is the provider's last answer.
/// </summary>
public sealed class ProviderUnreachableException(string message, string reason, IReadOnlyList<long> pending) : Exception(message)
{
    public string Reason { get; } = reason;

    public IReadOnlyList<long> Pending { get; } = pending;
}
