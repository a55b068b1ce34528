namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// One batch of messages as rows of the cluster's outbox table in PostgreSQL's binary COPY format, written as each
/// message is rendered into pooled bytes: the table's batches (<see cref="OutboxTable.NewBatch"/>), sent as they are.
/// Give them back with <see cref="Dispose"/> once written.
/// </summary>
public sealed class OutboxRows : MessageBatch
{
    /// <summary>The binary COPY header: its signature, no flags, no extension.</summary>
    public static ReadOnlyMemory<byte> Header { get; } =
        new byte[] { (byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>The binary COPY trailer: a row of -1 fields.</summary>
    public static ReadOnlyMemory<byte> Trailer { get; } = new byte[] { 0xFF, 0xFF };

    private readonly string _channel;
    private readonly PooledBytes _bytes;

    /// <param name="expected">How many messages the batch will hold, to size the buffer.</param>
    public OutboxRows(string channel, int expected = 16)
    {
        _channel = channel;
        _bytes = new PooledBytes(expected * 640);
    }

    /// <summary>The rows, without the COPY header and trailer.</summary>
    public ReadOnlyMemory<byte> Written => _bytes.Written;

    /// <summary>The row of one message, in <see cref="OutboxTable.Columns"/>' order; its content fields as a JSON object.</summary>
    protected override void Write(OutboundMessage message)
    {
        _bytes.BigEndian((short)8);
        Text(message.MessageId);
        Text(_channel);
        Text(message.CampaignId);
        Text(message.ExecutionId);
        Text(message.ActivityId);
        _bytes.BigEndian(8);
        _bytes.BigEndian(message.ProfileId);
        Text(message.To);
        var length = Field();
        _bytes.Append("{"u8);
        _bytes.JsonMembers(message.Content);
        _bytes.Append("}"u8);
        Close(length);
    }

    private void Text(string text)
    {
        var length = Field();
        _bytes.Utf8Text(text);
        Close(length);
    }

    /// <summary>Starts a field: a placeholder for its length, where the field's bytes start after it.</summary>
    private int Field()
    {
        _bytes.BigEndian(0);
        return _bytes.Length;
    }

    private void Close(int start) => _bytes.BigEndianAt(start - 4, _bytes.Length - start);

    public override void Dispose()
    {
        _bytes.Dispose();
        base.Dispose();
    }
}
