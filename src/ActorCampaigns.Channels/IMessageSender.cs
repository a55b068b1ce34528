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
    Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default);
}
