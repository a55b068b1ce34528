using System.Text.Json;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// One batch of messages as the outbox file's JSON lines, written as each message is rendered into pooled bytes
/// (<see cref="PooledBytes"/>). Give them back with <see cref="Dispose"/> once written. The outbox file's batches
/// (<see cref="OutboxFile.NewBatch"/>).
/// </summary>
public sealed class OutboxLines : MessageBatch
{
    private readonly PooledBytes _bytes;
    private readonly List<int> _ends;

    /// <param name="expected">How many messages the batch will hold, to size the buffer.</param>
    public OutboxLines(int expected = 16)
    {
        _bytes = new PooledBytes(expected * 512);
        _ends = new List<int>(expected);
    }

    public static OutboxLines Of(IReadOnlyCollection<OutboundMessage> messages)
    {
        var lines = new OutboxLines(messages.Count);
        lines.AddRange(messages);
        return lines;
    }

    /// <summary>Every line, each ending with a line feed.</summary>
    public ReadOnlyMemory<byte> Written => _bytes.Written;

    /// <summary>The line of one message: its ids, its address and its content fields, in that order.</summary>
    protected override void Write(OutboundMessage message)
    {
        _bytes.Append("{\"messageId\":"u8);
        _bytes.JsonString(message.MessageId);
        _bytes.Append(",\"campaignId\":"u8);
        _bytes.JsonString(message.CampaignId);
        _bytes.Append(",\"executionId\":"u8);
        _bytes.JsonString(message.ExecutionId);
        _bytes.Append(",\"activityId\":"u8);
        _bytes.JsonString(message.ActivityId);
        _bytes.Append(",\"profileId\":"u8);
        _bytes.Digits(message.ProfileId);
        if (message.Row is { } row)
        {
            _bytes.Append(",\"entityRow\":"u8);
            _bytes.Digits(row);
        }
        _bytes.Append(",\"to\":"u8);
        _bytes.JsonString(message.To);
        if (message.Content.Count > 0)
        {
            _bytes.Append(","u8);
            _bytes.JsonMembers(message.Content);
        }
        _bytes.Append("}\n"u8);
        _ends.Add(_bytes.Length);
    }

    /// <summary>The lines whose message id is not among <paramref name="present"/>: what a retried batch still has to append.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Except(IReadOnlySet<string> present)
    {
        var start = 0;
        foreach (var end in _ends)
        {
            var line = _bytes.Slice(start, end);
            if (!present.Contains(MessageIdOf(line.Span)))
                yield return line;
            start = end;
        }
    }

    /// <summary>The message id of one outbox line (its first property).</summary>
    public static string MessageIdOf(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("messageId"u8) && reader.Read())
                return reader.GetString()!;
        }
        throw new FormatException("an outbox line without a messageId");
    }

    public override void Dispose()
    {
        _bytes.Dispose();
        base.Dispose();
    }
}
