using System.Buffers;
using System.Text.Unicode;

namespace ActorCampaigns.Data.Csv;

/// <summary>
/// A byte that is not text where it stands: not valid UTF-8, or a NUL (0, which no CSV text holds and PostgreSQL text
/// cannot store); and how many bytes into its line (after the last LF) it is.
/// </summary>
public readonly record struct InvalidByte(byte Value, long LineOffset);

/// <summary>
/// The characters the CSV reader reads, and where the input is not text. Finding NULs here, a chunk at a time,
/// keeps them out of the reader's per-field search for delimiters, which a fifth delimiter slows down.
/// </summary>
internal interface ICsvInput
{
    /// <summary>Fills <paramref name="chars"/>; 0 at the end of the input, or when <see cref="Invalid"/> is next.</summary>
    int Read(Span<char> chars);

    /// <summary>The byte the input stopped before, until <see cref="SkipInvalid"/>.</summary>
    InvalidByte? Invalid { get; }

    void SkipInvalid();
}

/// <summary>Text already decoded (a string, a caller's reader): only a NUL character stops it.</summary>
internal sealed class TextInput(TextReader reader) : ICsvInput
{
    private readonly char[] _chars = new char[1 << 16];
    private int _start;
    private int _end;

    public InvalidByte? Invalid { get; private set; }

    public int Read(Span<char> chars)
    {
        if (_start == _end)
            (_start, _end) = (0, reader.Read(_chars));
        var pending = _chars.AsSpan(_start, _end - _start);
        var nul = pending.IndexOf('\0');
        var count = Math.Min(nul < 0 ? pending.Length : nul, chars.Length);
        pending[..count].CopyTo(chars);
        _start += count;
        if (nul == 0)
            Invalid = new InvalidByte(0, 0);
        return count;
    }

    public void SkipInvalid()
    {
        _start++;
        Invalid = null;
    }
}

/// <summary>
/// Decodes UTF-8 bytes, stopping just before each byte that is not valid UTF-8 or is a NUL (instead of throwing for
/// the whole file or replacing it silently), so the reader meets it in the record that holds it. A leading BOM is skipped.
/// </summary>
internal sealed class Utf8Input(Stream stream) : ICsvInput
{
    private readonly byte[] _bytes = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>Where <c>_bytes[0]</c> is in the stream.</summary>
    private long _offset;

    /// <summary>Where the line of the bytes decoded last starts in the stream.</summary>
    private long _lineStart;

    public InvalidByte? Invalid { get; private set; }

    /// <summary>Where the next NUL is in <c>_bytes</c>, or <c>_end</c> when there is none before it.</summary>
    private int _nul;

    public int Read(Span<char> chars)
    {
        while (true)
        {
            var status = Utf8.ToUtf16(_bytes.AsSpan(_start, _nul - _start), chars, out var read, out var written,
                replaceInvalidSequences: false, isFinalBlock: _ended || _nul < _end);
            Consume(read);
            if (status == OperationStatus.InvalidData || (_start == _nul && _nul < _end))
                Invalid = new InvalidByte(_bytes[_start], _offset + _start - _lineStart);
            if (written > 0 || Invalid is not null || (_ended && _start == _end))
                return written;
            Fill();
        }
    }

    public void SkipInvalid()
    {
        _start++;
        Invalid = null;
        if (_start > _nul)
            FindNul();
    }

    private void Consume(int read)
    {
        var lineFeed = _bytes.AsSpan(_start, read).LastIndexOf((byte)'\n');
        if (lineFeed >= 0)
            _lineStart = _offset + _start + lineFeed + 1;
        _start += read;
    }

    private void Fill()
    {
        _offset += _start;
        _bytes.AsSpan(_start, _end - _start).CopyTo(_bytes);
        (_end, _start) = (_end - _start, 0);
        var count = stream.Read(_bytes, _end, _bytes.Length - _end);
        _ended = count == 0;
        _end += count;
        if (_offset == 0 && _end >= 3 && _bytes is [0xEF, 0xBB, 0xBF, ..])
            _start = 3;
        FindNul();
    }

    private void FindNul()
    {
        var nul = _bytes.AsSpan(_start, _end - _start).IndexOf((byte)0);
        _nul = nul < 0 ? _end : _start + nul;
    }
}
