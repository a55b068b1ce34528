namespace ActorCampaigns.Channels;

/// <summary>What became of one message handed to a provider: sent, or failed with the provider's reason.</summary>
public sealed record SendResult(OutboundMessage Message, string? Failure)
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

    Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);
}
