using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Unicode;

namespace ActorCampaigns.Channels.Outbox;

/// <summary>
/// Bytes written into a buffer rented from the shared pool, growing as needed: what the outboxes render a batch into,
/// so a batch in flight is a few megabytes of bytes, not thousands of strings for the GC to promote. Give the buffer
/// back with <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledBytes(int capacity) : IDisposable
{
    /// <summary>What a JSON string cannot hold as it is: a quote, a backslash, a control character.</summary>
    private static readonly SearchValues<byte> Escaped = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4096, capacity));

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

    public ReadOnlyMemory<byte> Slice(int start, int end) => _buffer.AsMemory(start, end - start);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>A whole number as decimal digits.</summary>
    public void Digits(long value)
    {
        Reserve(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(Length), out var written);
        Length += written;
    }

    public void BigEndian(short value)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(Length), value);
        Length += 2;
    }

    public void BigEndian(int value)
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    public void BigEndian(long value)
    {
        Reserve(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    /// <summary>Writes <paramref name="value"/> over the four bytes at <paramref name="at"/>, written before as a placeholder.</summary>
    public void BigEndianAt(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), value);

    /// <summary>The text as UTF-8, a lone surrogate becoming U+FFFD.</summary>
    public void Utf8Text(string text)
    {
        Reserve(text.Length * 3);
        Utf8.FromUtf16(text, _buffer.AsSpan(Length), out _, out var written, replaceInvalidSequences: true);
        Length += written;
    }

    /// <summary>
    /// A JSON string: the text as UTF-8 (a lone surrogate becomes U+FFFD), with a quote, a backslash and control characters
    /// escaped; markup stays readable (&lt;p&gt;, not \u003Cp\u003E), as in a file for machines and people.
    /// </summary>
    public void JsonString(string text)
    {
        // At most three bytes per UTF-16 unit, and the quotes; escapes are counted when met.
        Reserve(text.Length * 3 + 2);
        _buffer[Length++] = (byte)'"';
        var start = Length;
        Utf8.FromUtf16(text, _buffer.AsSpan(start), out _, out var written, replaceInvalidSequences: true);
        var next = _buffer.AsSpan(start, written).IndexOfAny(Escaped);
        if (next < 0)
        {
            Length = start + written;
        }
        else
        {
            // Rare in addresses and ids, common in html (its attributes' quotes): the tail is moved aside and copied back escaped.
            var tail = ArrayPool<byte>.Shared.Rent(written - next);
            var rest = tail.AsSpan(0, written - next);
            _buffer.AsSpan(start + next, written - next).CopyTo(rest);
            Length = start + next;
            while (!rest.IsEmpty)
            {
                EscapeOne(rest[0]);
                rest = rest[1..];
                var plain = rest.IndexOfAny(Escaped);
                var copied = plain < 0 ? rest.Length : plain;
                Reserve(copied + 1);
                rest[..copied].CopyTo(_buffer.AsSpan(Length));
                Length += copied;
                rest = rest[copied..];
            }
            ArrayPool<byte>.Shared.Return(tail);
        }
        Reserve(1);
        _buffer[Length++] = (byte)'"';
    }

    /// <summary>Members of a JSON object, <c>"key":"value"</c>, separated by commas (none around them).</summary>
    public void JsonMembers(IReadOnlyList<KeyValuePair<string, string>> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
                Append(","u8);
            JsonString(members[i].Key);
            Append(":"u8);
            JsonString(members[i].Value);
        }
    }

    private void EscapeOne(byte b)
    {
        Reserve(6);
        var into = _buffer.AsSpan(Length);
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
        Length += length;
    }

    private void Reserve(int bytes)
    {
        if (Length + bytes <= _buffer.Length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + bytes));
        _buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Length = 0;
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
