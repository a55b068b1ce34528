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
/// A provider that sends messages one by one (SMTP, webhooks), as opposed to the outbox that appends a batch: each
/// message gets its own result, in the order given.
/// </summary>
public interface IMessageSender
{
    /// <summary>
    /// Whether sending the same message again (same message id) is harmless: such a provider is claimed per batch and
    /// a batch interrupted by a crash is sent again whole; any other per message, so only unsettled messages go again.
    /// </summary>
    bool Idempotent => false;

    /// <summary>
    /// How long a batch keeps trying its deferred messages again while none goes through, before its activity fails
    /// (resume sends them then). Zero: it fails at once.
    /// </summary>
    TimeSpan Patience => TimeSpan.Zero;

    Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);
}
