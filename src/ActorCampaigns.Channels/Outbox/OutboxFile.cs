using System.Globalization;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// One channel's outbox file as its provider: a batch is rendered straight into the file's JSON lines, claimed with
/// where the file ends, and appended whole; a batch retried after a crash appends only the lines not there yet.
/// </summary>
public sealed class OutboxFile(OutboxProvider outbox, string channel) : IMessageSender
{
    public string Name => "outbox";

    public bool Idempotent => true;

    public MessageBatch NewBatch(int expected) => new OutboxLines(expected);

    public async ValueTask<string?> CheckpointAsync(CancellationToken cancellationToken = default) =>
        (await outbox.EndAsync(channel, cancellationToken)).ToString(CultureInfo.InvariantCulture);

    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default)
    {
        await outbox.AppendAsync(channel, messages, null, cancellationToken);
        return messages.Select(m => new SendResult(m, null)).ToList();
    }

    public async Task<IReadOnlyDictionary<long, string>> SendBatchAsync(MessageBatch batch, string? retryFrom, CancellationToken cancellationToken = default)
    {
        var lines = batch as OutboxLines ?? throw new InvalidOperationException($"the outbox appends its own lines, not a batch of {batch.GetType().Name}");
        await outbox.AppendAsync(channel, lines, retryFrom is null ? null : long.Parse(retryFrom, CultureInfo.InvariantCulture), cancellationToken);
        return IMessageSender.NoneRefused;
    }

}
