namespace ActorCampaigns.Channels;

/// <summary>
/// What became of one message handed to a provider: sent, or failed with the provider's reason. A message
/// <paramref name="Deferred"/> did not leave because the provider could not be reached (why in <paramref name="Failure"/>):
/// it is no refusal, and may be sent later with the same message id. <paramref name="Attempts"/> counts the tries that
/// reached for the provider.
/// </summary>
public sealed record SendResult(OutboundMessage Message, string? Failure, bool Deferred = false, int Attempts = 1)
{
    public bool Sent => Failure is null;
}

/// <summary>
/// A channel's provider: the outbox (a file per channel, or a cluster's table), SMTP, webhooks. A channel renders each
/// batch into the provider's own form (<see cref="NewBatch"/>), and the node's delivery claims it in the ledger and
/// sends it, per batch or per message as the provider allows (<see cref="Idempotent"/>).
/// </summary>
public interface IMessageSender
{
    /// <summary>
    /// Whether a batch can be sent again after a crash without sending anything twice (the outbox: the same message id is
    /// a no-op, or what the file holds from the claim's checkpoint is skipped): such a provider is claimed per batch and
    /// sent whole (<see cref="SendBatchAsync"/>); any other per message, so only unsettled messages go again.
    /// </summary>
    bool Idempotent => false;

    /// <summary>What the provider is, as metrics label it: <c>outbox</c>, <c>smtp</c>, <c>webhook</c>.</summary>
    string Name => "custom";

    /// <summary>
    /// How long a batch keeps trying its deferred messages again while none goes through, before its activity fails
    /// (resume sends them then). Zero: it fails at once.
    /// </summary>
    TimeSpan Patience => TimeSpan.Zero;

    /// <summary>An empty batch to render messages into, in the form this provider takes them.</summary>
    MessageBatch NewBatch(int expected) => new MessageList(expected);

    /// <summary>
    /// Where the provider stands before a batch is claimed (the outbox file: where it ends), noted with the claim and
    /// given back to <see cref="SendBatchAsync"/> if the batch is found claimed but not sent after a crash. Null: nothing to note.
    /// </summary>
    ValueTask<string?> CheckpointAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(null);

    /// <summary>What <see cref="SendBatchAsync"/> returns when the provider refused nothing.</summary>
    static IReadOnlyDictionary<long, string> NoneRefused { get; } = new Dictionary<long, string>();

    /// <summary>Sends messages one by one, each with its own result, in the order given.</summary>
    Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a whole batch of an <see cref="Idempotent"/> provider, made by its <see cref="NewBatch"/>; a batch sent
    /// before a crash comes again with the checkpoint its claim noted. Returns the keys (<see cref="OutboundMessage.Key"/>) whose message was refused, with why.
    /// </summary>
    async Task<IReadOnlyDictionary<long, string>> SendBatchAsync(MessageBatch batch, string? retryFrom, CancellationToken cancellationToken = default)
    {
        var results = await SendAsync(MessageList.Of(batch), cancellationToken);
        return results.Where(r => !r.Sent).ToDictionary(r => r.Message.Key, r => r.Failure!);
    }
}

/// <summary>
/// A provider whose messages are rows of a database (a cluster's outbox table): when it is the ledger's, a batch is
/// claimed, written and marked sent in one transaction.
/// </summary>
public interface ITransactionalSender : IMessageSender
{
    ActorCampaigns.Data.Database Database { get; }

    /// <summary>Writes a batch made by <see cref="IMessageSender.NewBatch"/> within <paramref name="transaction"/>; a message already there is skipped.</summary>
    Task WriteAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, MessageBatch batch,
        CancellationToken cancellationToken = default);
}
