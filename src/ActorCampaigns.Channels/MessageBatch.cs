namespace ActorCampaigns.Channels;

/// <summary>
/// One batch of messages, rendered into the form its provider takes (<see cref="IMessageSender.NewBatch"/>): a list of
/// messages for most, the outbox file's JSON lines in pooled bytes for the outbox. Give it back with
/// <see cref="Dispose"/> once sent.
/// </summary>
public abstract class MessageBatch : IDisposable
{
    public abstract int Count { get; }

    /// <summary>The profile of each message, in order.</summary>
    public abstract IReadOnlyList<long> Profiles { get; }

    public abstract void Add(OutboundMessage message);

    public void AddRange(IEnumerable<OutboundMessage> messages)
    {
        foreach (var message in messages)
            Add(message);
    }

    public virtual void Dispose() { }
}

/// <summary>A batch kept as its messages: what providers that send one by one take.</summary>
public sealed class MessageList(int expected = 16) : MessageBatch
{
    private readonly List<OutboundMessage> _messages = new(expected);
    private readonly List<long> _profiles = new(expected);

    public IReadOnlyList<OutboundMessage> Messages => _messages;

    public override int Count => _messages.Count;

    public override IReadOnlyList<long> Profiles => _profiles;

    public override void Add(OutboundMessage message)
    {
        _messages.Add(message);
        _profiles.Add(message.ProfileId);
    }

    /// <summary>Lets the messages go: a batch sent is kept only for its counts.</summary>
    public override void Dispose()
    {
        _messages.Clear();
        _profiles.Clear();
    }

    /// <summary>A batch a provider made as a list, as its messages.</summary>
    public static IReadOnlyList<OutboundMessage> Of(MessageBatch batch) => batch is MessageList list ? list.Messages
        : throw new InvalidOperationException($"a batch of {batch.GetType().Name} is not a list of messages: a provider is given the batches it made");
}
