using System.Buffers;

namespace ActorCampaigns.Data.Csv;

/// <summary>One CSV record: its fields (null for an unquoted empty field) and the line it starts on.</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string?> Fields, string? Error);

/// <summary>
/// A streaming RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF. <see cref="Read"/> moves to the next record, whose fields are read as spans without
/// allocating (an import of millions of rows makes no string for a number or a date). Hostile input is
/// bounded: a field longer than <see cref="MaxFieldLength"/> or more than <see cref="MaxFields"/> fields is
/// an error for that record, which is then skipped.
/// </summary>
public sealed class CsvReader(TextReader reader)
{
    public const int MaxFieldLength = 65_536;
    public const int MaxFields = 1_024;

    private static readonly SearchValues<char> Delimiters = SearchValues.Create(",\r\n\"");

    private readonly char[] _buffer = new char[1 << 16];
    private int _length;
    private int _position;
    private long _line = 1;

    private char[] _record = new char[1024];
    private int _recordLength;
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];

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
        while (Peek() >= 0)
        {
            Line = _line;
            _fields.Clear();
            _recordLength = 0;
            Error = ReadRecord();
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
            var start = _recordLength;
            var quoted = Peek() == '"';
            if (quoted)
                ReadQuoted(ref error);
            else
                ReadUnquoted(ref error);
            if (_fields.Count < MaxFields)
                _fields.Add((start, _recordLength - start, quoted));
            else
                error ??= $"more than {MaxFields} fields";
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

    private void ReadQuoted(ref string? error)
    {
        var number = _fields.Count + 1;
        Next();
        while (true)
        {
            var c = Next();
            if (c < 0)
            {
                error = "a quoted field is never closed before the end of the file";
                return;
            }
            if (c == '"')
            {
                if (Peek() != '"')
                    break;
                Next();
            }
            if (c == '\n')
                _line++;
            Append((char)c, ref error);
        }
        var after = Peek();
        if (after is ',' or '\r' or '\n' or -1)
            return;
        error ??= $"unexpected character '{(char)after}' after a closing quote (field {number})";
        while (Peek() is not (',' or '\n' or -1))
            Next();
    }

    /// <summary>Copies the run of ordinary characters up to the next delimiter in one step, not char by char.</summary>
    private void ReadUnquoted(ref string? error)
    {
        var number = _fields.Count + 1;
        var fieldStart = _recordLength;
        while (Peek() >= 0)
        {
            var rest = _buffer.AsSpan(_position, _length - _position);
            var stop = rest.IndexOfAny(Delimiters);
            var run = stop < 0 ? rest : rest[..stop];
            if (_recordLength - fieldStart + run.Length <= MaxFieldLength)
            {
                EnsureRoom(run.Length);
                run.CopyTo(_record.AsSpan(_recordLength));
                _recordLength += run.Length;
            }
            else
            {
                error ??= $"a field is longer than {MaxFieldLength} characters";
            }
            _position += run.Length;
            if (stop < 0)
                continue;
            if (rest[stop] != '"')
                return;
            error ??= $"a quote inside an unquoted field (field {number}); quote the whole field and double the quote";
            Append((char)Next(), ref error);
        }
    }

    private void Append(char c, ref string? error)
    {
        var fieldLength = _fields.Count == 0 ? _recordLength : _recordLength - (_fields[^1].Start + _fields[^1].Length);
        if (fieldLength >= MaxFieldLength)
        {
            error ??= $"a field is longer than {MaxFieldLength} characters";
            return;
        }
        EnsureRoom(1);
        _record[_recordLength++] = c;
    }

    private void EnsureRoom(int more)
    {
        if (_recordLength + more > _record.Length)
            Array.Resize(ref _record, Math.Max(_record.Length * 2, _recordLength + more));
    }

    private int Peek()
    {
        if (_position < _length)
            return _buffer[_position];
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length == 0 ? -1 : _buffer[0];
    }

    private int Next()
    {
        var c = Peek();
        if (c >= 0)
            _position++;
        return c;
    }
}
