using System.Buffers;

namespace ActorCampaigns.Data.Csv;

/// <summary>One CSV record: its fields (null for an unquoted empty field) and the line it starts on.</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string?> Fields, string? Error);

/// <summary>
/// A streaming RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF. <see cref="Read"/> moves to the next record, whose fields are read as spans without
/// allocating (an import of millions of rows makes no string for a number or a date). Hostile input is
/// bounded and confined to its record: bytes that are not UTF-8, a NUL character (both found by the input), a field longer than
/// <see cref="MaxFieldLength"/>, a record longer than <see cref="MaxRecordLength"/> or with more than
/// <see cref="MaxFields"/> fields are an error for that record, which is then skipped.
/// </summary>
public sealed class CsvReader
{
    public const int MaxFieldLength = 65_536;
    public const int MaxFields = 1_024;
    public const int MaxRecordLength = 1 << 20;

    private const int EndOfInput = -1;

    /// <summary>What <see cref="Peek"/> gives when the next byte is not text: not valid UTF-8, or a NUL.</summary>
    private const int NotText = -2;

    private static readonly SearchValues<char> Delimiters = SearchValues.Create(",\r\n\"");

    private readonly ICsvInput _input;
    private char[] _buffer = new char[1 << 16];
    private int _length;
    private int _position;
    private long _line = 1;

    private char[] _record = new char[1024];
    private int _recordLength;
    private int _fieldStart;
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];

    /// <summary>The first byte of the current record that is not text, described.</summary>
    private string? _notText;

    /// <summary>How many characters or bytes of the input have been dropped so far (not UTF-8, NUL, over a limit).</summary>
    private long _dropped;

    /// <summary>Whether the end of the file has been read again once already (see <see cref="Reread"/>): never twice, so hostile quoting costs no more.</summary>
    private bool _reread;

    /// <summary>Reads UTF-8 bytes; a byte that is not valid UTF-8 is an error for its record only.</summary>
    public CsvReader(Stream utf8) => _input = new Utf8Input(utf8);

    /// <summary>Reads text already decoded.</summary>
    public CsvReader(TextReader reader) => _input = new TextInput(reader);

    /// <summary>The line the current record starts on (1-based).</summary>
    public long Line { get; private set; }

    /// <summary>Why the current record is malformed, or null.</summary>
    public string? Error { get; private set; }

    public int FieldCount => _fields.Count;

    public ReadOnlySpan<char> Field(int index) => _record.AsSpan(_fields[index].Start, _fields[index].Length);

    /// <summary>An unquoted empty field is null; a quoted one (<c>""</c>) is the empty string.</summary>
    public bool IsNull(int index) => _fields[index] is { Length: 0, Quoted: false };

    public string? FieldText(int index) => IsNull(index) ? null : Field(index).ToString();

    /// <summary>Moves to the next non-blank record; false at the end of the input.</summary>
    public bool Read()
    {
        while (Peek() != EndOfInput)
        {
            Line = _line;
            _fields.Clear();
            _recordLength = 0;
            _notText = null;
            var error = ReadRecord();
            Error = _notText ?? error;
            if (_fields.Count == 1 && IsNull(0) && Error is null)
                continue;
            return true;
        }
        return false;
    }

    /// <summary>Every record with its fields as strings; for headers, tests and small files.</summary>
    public IEnumerable<CsvRecord> ReadAll()
    {
        while (Read())
            yield return new CsvRecord(Line, Enumerable.Range(0, FieldCount).Select(FieldText).ToArray(), Error);
    }

    private string? ReadRecord()
    {
        string? error = null;
        while (true)
        {
            _fieldStart = _recordLength;
            var quoted = Peek() == '"';
            var ended = quoted ? !ReadQuoted(ref error) : ReadUnquoted(ref error);
            if (_fields.Count < MaxFields)
                _fields.Add((_fieldStart, _recordLength - _fieldStart, quoted));
            else
                error ??= $"more than {MaxFields} fields";
            if (ended)
                return error;
            var c = Next();
            if (c == ',')
                continue;
            if (c == '\r' && Peek() == '\n')
                Next();
            if (c is '\r' or '\n')
                _line++;
            return error;
        }
    }

    /// <summary>
    /// Reads a quoted field; false when the file ends inside it. Then the lines after the field's first line
    /// break are read again as records of their own, so one stray quote does not swallow the good lines after it.
    /// </summary>
    private bool ReadQuoted(ref string? error)
    {
        var number = _fields.Count + 1;
        var (opened, rereadFrom, rereadLine, droppedBefore) = (_line, -1, 0L, 0L);
        Next();
        while (true)
        {
            var c = Next();
            if (c == EndOfInput)
            {
                error ??= $"the quote opening field {number} on line {opened} is never closed before the end of the file";
                if (rereadFrom >= 0 && _dropped == droppedBefore && !_reread)
                    Reread(rereadFrom, rereadLine);
                return false;
            }
            if (c == NotText)
                continue;
            if (c == '"')
            {
                if (Peek() != '"')
                    break;
                Next();
            }
            if (c == '\n')
                _line++;
            if (c == '\n' && rereadFrom < 0)
                (rereadFrom, rereadLine, droppedBefore) = (_recordLength + 1, _line, _dropped);
            Append((char)c, ref error);
        }
        var after = Peek();
        if (after is ',' or '\r' or '\n' or EndOfInput)
            return true;
        if (after >= 0)
            error ??= $"unexpected character '{CsvText.Excerpt([(char)after])}' after a closing quote (field {number})";
        while (Peek() is not (',' or '\n' or EndOfInput))
            Next();
        return true;
    }

    /// <summary>Reads again, from line <paramref name="line"/>, what an unclosed quote swallowed after index <paramref name="from"/> of the record.</summary>
    private void Reread(int from, long line)
    {
        var swallowed = _record.AsSpan(from, _recordLength - from).ToString().Replace("\"", "\"\"");
        if (swallowed.Length > _buffer.Length)
            _buffer = new char[swallowed.Length];
        swallowed.CopyTo(_buffer);
        (_position, _length, _line, _reread) = (0, swallowed.Length, line, true);
        _recordLength = from;
    }

    /// <summary>Copies the run of ordinary characters up to the next delimiter in one step, not char by char; true at the end of the input.</summary>
    private bool ReadUnquoted(ref string? error)
    {
        var number = _fields.Count + 1;
        while (true)
        {
            var next = Peek();
            if (next == EndOfInput)
                return true;
            if (next == NotText)
            {
                Next();
                continue;
            }
            var rest = _buffer.AsSpan(_position, _length - _position);
            var stop = rest.IndexOfAny(Delimiters);
            var run = stop < 0 ? rest : rest[..stop];
            if (Room(run.Length, ref error))
            {
                run.CopyTo(_record.AsSpan(_recordLength));
                _recordLength += run.Length;
            }
            _position += run.Length;
            if (stop < 0)
                continue;
            if (rest[stop] != '"')
                return false;
            error ??= $"a quote inside an unquoted field (field {number}); quote the whole field and double the quote";
            Append((char)Next(), ref error);
        }
    }

    private void Append(char c, ref string? error)
    {
        if (Room(1, ref error))
            _record[_recordLength++] = c;
    }

    /// <summary>Whether the current field can take <paramref name="more"/> characters within the limits; makes room if so.</summary>
    private bool Room(int more, ref string? error)
    {
        if (more == 0)
            return true;
        if (_recordLength - _fieldStart + more > MaxFieldLength)
            error ??= $"a field is longer than {MaxFieldLength} characters";
        else if (_recordLength + more > MaxRecordLength)
            error ??= $"the line is longer than {MaxRecordLength} characters";
        else
        {
            if (_recordLength + more > _record.Length)
                Array.Resize(ref _record, Math.Max(_record.Length * 2, _recordLength + more));
            return true;
        }
        _dropped += more;
        return false;
    }

    private int Peek()
    {
        if (_position < _length)
            return _buffer[_position];
        if (_input.Invalid is null)
        {
            _length = _input.Read(_buffer);
            _position = 0;
            if (_length > 0)
                return _buffer[0];
        }
        return _input.Invalid is null ? EndOfInput : NotText;
    }

    private int Next()
    {
        var c = Peek();
        if (c >= 0)
            _position++;
        else if (c == NotText)
            SkipNotText();
        return c;
    }

    private void SkipNotText()
    {
        var (value, offset) = _input.Invalid!.Value;
        var where = _line == Line ? "the line" : $"line {_line}";
        _notText ??= value == 0
            ? $"a NUL character (U+0000) in {where}: a CSV file is text"
            : $"not valid UTF-8 (byte 0x{value:X2} at byte offset {offset} of {where})";
        _dropped++;
        _input.SkipInvalid();
    }
}
