using System.Text;

namespace ActorCampaigns.Data.Csv;

/// <summary>One CSV record: its fields (null for an unquoted empty field) and the line it starts on.</summary>
public sealed record CsvRecord(long Line, IReadOnlyList<string?> Fields, string? Error);

/// <summary>
/// A streaming RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF. Hostile input is bounded: a field longer than <see cref="MaxFieldLength"/> or a record with
/// more than <see cref="MaxFields"/> fields is reported as an error for that record and skipped.
/// </summary>
public sealed class CsvReader(TextReader reader)
{
    public const int MaxFieldLength = 65_536;
    public const int MaxFields = 1_024;

    private readonly char[] _buffer = new char[1 << 16];
    private int _length;
    private int _position;
    private long _line = 1;

    public IEnumerable<CsvRecord> ReadAll()
    {
        var fields = new List<string?>();
        var field = new StringBuilder();
        while (true)
        {
            if (Peek() < 0)
                yield break;
            var start = _line;
            fields.Clear();
            var error = ReadRecord(fields, field);
            if (fields is [null] && error is null)
                continue;
            yield return new CsvRecord(start, fields.ToArray(), error);
        }
    }

    private string? ReadRecord(List<string?> fields, StringBuilder field)
    {
        string? error = null;
        while (true)
        {
            field.Clear();
            var quoted = false;
            var c = Peek();
            if (c == '"')
            {
                quoted = true;
                Next();
                while (true)
                {
                    c = Next();
                    if (c < 0)
                        return "a quoted field is never closed before the end of the file";
                    if (c == '"')
                    {
                        if (Peek() == '"')
                        {
                            Next();
                            Append(field, '"', ref error);
                            continue;
                        }
                        break;
                    }
                    if (c == '\n')
                        _line++;
                    Append(field, (char)c, ref error);
                }
                c = Peek();
                if (c is not (',' or '\r' or '\n' or -1))
                {
                    error ??= $"unexpected character '{(char)c}' after a closing quote (field {fields.Count + 1})";
                    while (Peek() is not (',' or '\n' or -1))
                        Next();
                }
            }
            else
            {
                while ((c = Peek()) is not (',' or '\r' or '\n' or -1))
                {
                    Next();
                    if (c == '"')
                        error ??= $"a quote inside an unquoted field (field {fields.Count + 1}); quote the whole field and double the quote";
                    Append(field, (char)c, ref error);
                }
            }
            if (fields.Count < MaxFields)
                fields.Add(field.Length == 0 && !quoted ? null : field.ToString());
            else
                error ??= $"more than {MaxFields} fields";
            c = Next();
            if (c == ',')
                continue;
            if (c == '\r' && Peek() == '\n')
                Next();
            if (c is '\r' or '\n')
                _line++;
            return error;
        }
    }

    private static void Append(StringBuilder field, char c, ref string? error)
    {
        if (field.Length < MaxFieldLength)
            field.Append(c);
        else
            error ??= $"a field is longer than {MaxFieldLength} characters";
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
