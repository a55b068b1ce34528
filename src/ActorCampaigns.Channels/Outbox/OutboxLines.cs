using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// One batch of messages as the outbox's JSON lines, written as each message is rendered into a buffer rented from the
/// shared pool: a batch in flight is a few megabytes of bytes, not thousands of strings for the GC to promote. Give
/// it back with <see cref="Dispose"/> once written. The outbox file's batches (<see cref="OutboxFile.NewBatch"/>).
/// </summary>
public sealed class OutboxLines : MessageBatch
{
    /// <summary>What a JSON string cannot hold as it is: a quote, a backslash, a control character.</summary>
    private static readonly SearchValues<byte> Escaped = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    private byte[] _buffer;
    private int _length;
    private readonly List<int> _ends;
    private readonly List<long> _profiles;

    /// <param name="expected">How many messages the batch will hold, to size the buffer.</param>
    public OutboxLines(int expected = 16)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4096, expected * 512));
        _ends = new List<int>(expected);
        _profiles = new List<long>(expected);
    }

    public static OutboxLines Of(IReadOnlyCollection<OutboundMessage> messages)
    {
        var lines = new OutboxLines(messages.Count);
        foreach (var message in messages)
            lines.Add(message);
        return lines;
    }

    public override int Count => _ends.Count;

    /// <summary>The profile of each line, in order.</summary>
    public override IReadOnlyList<long> Profiles => _profiles;

    /// <summary>Every line, each ending with a line feed.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>The line of one message: its ids, its address and its content fields, in that order.</summary>
    public override void Add(OutboundMessage message)
    {
        Append("{\"messageId\":"u8);
        String(message.MessageId);
        Append(",\"campaignId\":"u8);
        String(message.CampaignId);
        Append(",\"executionId\":"u8);
        String(message.ExecutionId);
        Append(",\"activityId\":"u8);
        String(message.ActivityId);
        Append(",\"profileId\":"u8);
        Reserve(20);
        Utf8Formatter.TryFormat(message.ProfileId, _buffer.AsSpan(_length), out var digits);
        _length += digits;
        Append(",\"to\":"u8);
        String(message.To);
        for (var i = 0; i < message.Content.Count; i++)
        {
            Append(","u8);
            String(message.Content[i].Key);
            Append(":"u8);
            String(message.Content[i].Value);
        }
        Append("}\n"u8);
        _ends.Add(_length);
        _profiles.Add(message.ProfileId);
    }

    /// <summary>The lines whose message id is not among <paramref name="present"/>: what a retried batch still has to append.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Except(IReadOnlySet<string> present)
    {
        var start = 0;
        foreach (var end in _ends)
        {
            var line = _buffer.AsMemory(start, end - start);
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
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>
    /// A JSON string: the text as UTF-8 (a lone surrogate becomes U+FFFD), with a quote, a backslash and control characters
    /// escaped; markup stays readable (&lt;p&gt;, not \u003Cp\u003E), as in a file for machines and people.
    /// </summary>
    private void String(string text)
    {
        // At most three bytes per UTF-16 unit, and the quotes; escapes are counted when met.
        Reserve(text.Length * 3 + 2);
        _buffer[_length++] = (byte)'"';
        var start = _length;
        Utf8.FromUtf16(text, _buffer.AsSpan(start), out _, out var written, replaceInvalidSequences: true);
        var next = _buffer.AsSpan(start, written).IndexOfAny(Escaped);
        if (next < 0)
        {
            _length = start + written;
        }
        else
        {
            // Rare in addresses and ids, common in html (its attributes' quotes): the tail is moved aside and copied back escaped.
            var tail = ArrayPool<byte>.Shared.Rent(written - next);
            var rest = tail.AsSpan(0, written - next);
            _buffer.AsSpan(start + next, written - next).CopyTo(rest);
            _length = start + next;
            while (!rest.IsEmpty)
            {
                EscapeOne(rest[0]);
                rest = rest[1..];
                var plain = rest.IndexOfAny(Escaped);
                var copied = plain < 0 ? rest.Length : plain;
                Reserve(copied + 1);
                rest[..copied].CopyTo(_buffer.AsSpan(_length));
                _length += copied;
                rest = rest[copied..];
            }
            ArrayPool<byte>.Shared.Return(tail);
        }
        Reserve(1);
        _buffer[_length++] = (byte)'"';
    }

    private void EscapeOne(byte b)
    {
        Reserve(6);
        var into = _buffer.AsSpan(_length);
        into[0] = (byte)'\\';
        var (escape, length) = b switch
        {
            (byte)'"' => ((byte)'"', 2),
            (byte)'\\' => ((byte)'\\', 2),
            (byte)'\n' => ((byte)'n', 2),
            (byte)'\r' => ((byte)'r', 2),
            (byte)'\t' => ((byte)'t', 2),
            _ => ((byte)'u', 6),
        };
        into[1] = escape;
        if (length == 6)
        {
            into[2] = (byte)'0';
            into[3] = (byte)'0';
            into[4] = Hex[b >> 4];
            into[5] = Hex[b & 0xF];
        }
        _length += length;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
