namespace ActorCampaigns.Channels;

/// <summary>
/// One batch of messages, rendered into the form its provider takes (<see cref="IMessageSender.NewBatch"/>): a list of
/// messages for most, the outbox file's JSON lines in pooled bytes for the outbox. Give it back with
/// <see cref="Dispose"/> once sent.
/// </summary>
public abstract class MessageBatch : IDisposable
{
    private readonly List<long> _keys = [];
    private readonly List<long> _profiles = [];

    public int Count => _keys.Count;

    /// <summary>What each message is for, in order (<see cref="OutboundMessage.Key"/>): what the ledger and the ports know.</summary>
    public IReadOnlyList<long> Keys => _keys;

    /// <summary>The profile of each message, in order: what sends record.</summary>
    public IReadOnlyList<long> Profiles => _profiles;

    public void Add(OutboundMessage message)
    {
        Write(message);
        _keys.Add(message.Key);
        _profiles.Add(message.ProfileId);
    }

    /// <summary>Renders the message into the provider's form.</summary>
    protected abstract void Write(OutboundMessage message);

    public void AddRange(IEnumerable<OutboundMessage> messages)
    {
        foreach (var message in messages)
            Add(message);
    }

    public virtual void Dispose()
    {
        _keys.Clear();
        _profiles.Clear();
    }
}

/// <summary>A batch kept as its messages: what providers that send one by one take.</summary>
public sealed class MessageList(int expected = 16) : MessageBatch
{
    private readonly List<OutboundMessage> _messages = new(expected);

    public IReadOnlyList<OutboundMessage> Messages => _messages;

    protected override void Write(OutboundMessage message) => _messages.Add(message);

    /// <summary>Lets the messages go: a batch sent is kept only for its counts.</summary>
    public override void Dispose()
    {
        _messages.Clear();
        base.Dispose();
    }

    /// <summary>A batch a provider made as a list, as its messages.</summary>
    public static IReadOnlyList<OutboundMessage> Of(MessageBatch batch) => batch is MessageList list ? list.Messages
        : throw new InvalidOperationException($"a batch of {batch.GetType().Name} is not a list of messages: a provider is given the batches it made");
}
