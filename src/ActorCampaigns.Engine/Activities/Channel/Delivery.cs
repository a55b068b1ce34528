using System.Globalization;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data.Deliveries;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// Sends one batch of a channel activity exactly once: claim it in the ledger (noting where the outbox ends), append
/// the messages, mark it sent. A batch found claimed but not sent, after a crash, appends only what is missing.
/// </summary>
public sealed class Delivery(Ledger ledger, OutboxProvider outbox)
{
    /// <returns>How many messages the batch holds, or 0 when it had been sent already.</returns>
    public async Task<int> SendAsync(DeliveryBatch batch, string channel, IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        var before = outbox.Length(channel);
        var claim = await ledger.ClaimAsync(batch, messages.Count, before.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (claim.State == ClaimState.Sent)
            return 0;
        long? retryFrom = claim.IsRetry ? long.Parse(claim.ProviderState!, CultureInfo.InvariantCulture) : null;
        await outbox.AppendAsync(channel, messages, retryFrom, cancellationToken);
        await ledger.MarkSentAsync(batch, cancellationToken);
        return messages.Count;
    }
}
