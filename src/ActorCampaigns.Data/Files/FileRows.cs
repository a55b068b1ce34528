using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Data.Files;

/// <summary>A row of a loaded file: its line (1-based, its id in the population) and its declared columns as a JSON object.</summary>
public sealed record FileRow(long Line, string Values);

/// <summary>A line of a loaded file that was not loaded, and why.</summary>
public sealed record FileReject(long Line, string Reason);

/// <summary>What a chunk of a file gave: its rows and its rejected lines.</summary>
public sealed record FileChunk(IReadOnlyList<FileRow> Rows, IReadOnlyList<FileReject> Rejects);

/// <summary>A file that cannot be loaded at all (its header lacks a declared column); nothing of it is kept.</summary>
public sealed class FileRefusedException(string message) : Exception(message);

/// <summary>
/// Reads a CSV (header row, RFC 4180) or JSON-lines file against the columns an activity declares, in chunks: each
/// line a row (the declared columns, typed, as a JSON object) or a reject with its number and reason. Hostile input
/// stays in its line: a CSV record is bounded as the profile import's are (<see cref="CsvReader"/>); a JSON line
/// longer than <see cref="CsvReader.MaxRecordLength"/> is rejected without being held.
/// </summary>
public static class FileRows
{
    public static IAsyncEnumerable<FileChunk> ReadAsync(Stream file, FileFormat format, IReadOnlyList<FileColumn> columns, int chunkSize,
        CancellationToken cancellationToken) =>
        format == FileFormat.Csv ? Csv(file, columns, chunkSize, cancellationToken) : JsonLines(file, columns, chunkSize, cancellationToken);

#pragma warning disable CS1998 // the CSV reader reads synchronously; the file is local or in memory
    private static async IAsyncEnumerable<FileChunk> Csv(Stream file, IReadOnlyList<FileColumn> columns, int chunkSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
#pragma warning restore CS1998
    {
        var csv = new CsvReader(file);
        if (!csv.Read())
            yield break;
        if (csv.Error is { } headerError)
            throw new FileRefusedException($"its header (line {csv.Line}) is malformed: {headerError}");
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.FieldText(i)?.Trim() ?? "").ToList();
        var indexes = columns.Select(c => header.IndexOf(c.Name)).ToArray();
        if (columns.Select((c, i) => (c, indexes[i])).FirstOrDefault(p => p.Item2 < 0) is { c: { } missing })
            throw new FileRefusedException($"its header has no column '{missing.Name}' (it has {string.Join(", ", header.Take(20).Select(h => $"'{CsvText.Excerpt(h)}'"))}" +
                $"{(header.Count > 20 ? ", …" : "")})");
        var (rows, rejects) = (new List<FileRow>(chunkSize), new List<FileReject>());
        while (csv.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (csv.Error is { } error)
                rejects.Add(new FileReject(csv.Line, error));
            else if (csv.FieldCount != header.Count)
                rejects.Add(new FileReject(csv.Line, $"has {csv.FieldCount} fields, the header has {header.Count}"));
            else if (Row(columns, i => csv.IsNull(indexes[i]) ? null : csv.Field(indexes[i]).ToString()) is var (values, reason) && reason is not null)
                rejects.Add(new FileReject(csv.Line, reason));
            else
                rows.Add(new FileRow(csv.Line, values!));
            if (rows.Count + rejects.Count >= chunkSize)
            {
                yield return new FileChunk(rows, rejects);
                (rows, rejects) = (new List<FileRow>(chunkSize), new List<FileReject>());
            }
        }
        if (rows.Count + rejects.Count > 0)
            yield return new FileChunk(rows, rejects);
    }

    private static async IAsyncEnumerable<FileChunk> JsonLines(Stream file, IReadOnlyList<FileColumn> columns, int chunkSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (rows, rejects) = (new List<FileRow>(chunkSize), new List<FileReject>());
        await foreach (var (number, line, tooLong) in Lines(file, cancellationToken))
        {
            if (tooLong)
                rejects.Add(new FileReject(number, $"is longer than {CsvReader.MaxRecordLength:N0} bytes"));
            else if (!System.Text.Unicode.Utf8.IsValid(line))
                rejects.Add(new FileReject(number, "has bytes that are not UTF-8"));
            else if (line.AsSpan().IndexOfAnyExcept(" \t"u8) >= 0)
            {
                var (values, reason) = JsonRow(columns, line);
                if (reason is not null)
                    rejects.Add(new FileReject(number, reason));
                else
                    rows.Add(new FileRow(number, values!));
            }
            if (rows.Count + rejects.Count >= chunkSize)
            {
                yield return new FileChunk(rows, rejects);
                (rows, rejects) = (new List<FileRow>(chunkSize), new List<FileReject>());
            }
        }
        if (rows.Count + rejects.Count > 0)
            yield return new FileChunk(rows, rejects);
    }

    private static (string? Values, string? Reason) JsonRow(IReadOnlyList<FileColumn> columns, byte[] line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, $"is not JSON: {e.Message.Split(" LineNumber:")[0]}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, $"is {JsonFields.Describe(document.RootElement)}, not a JSON object");
            foreach (var column in columns)
            {
                if (!document.RootElement.TryGetProperty(column.Name, out var value))
                    continue;
                if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    return (null, $"{column.Name}: {JsonFields.Describe(value)} is not a {AttributeTypes.Name(column.Type)}");
                // As in a CSV file: a NUL is no text (and PostgreSQL's jsonb refuses \u0000).
                if (value.ValueKind == JsonValueKind.String && value.GetString()!.Contains('\0'))
                    return (null, $"{column.Name}: has a NUL character");
            }
            return Row(columns, i => document.RootElement.TryGetProperty(columns[i].Name, out var value) ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            } : null);
        }
    }

    /// <summary>The declared columns of a line, typed, as a JSON object; or why the line is rejected.</summary>
    private static (string? Values, string? Reason) Row(IReadOnlyList<FileColumn> columns, Func<int, string?> text)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = RowValuesJson.Writer(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                var (name, type) = columns[i];
                if (text(i) is not { } value)
                {
                    writer.WriteNull(name);
                    continue;
                }
                if (type == AttributeType.String)
                {
                    writer.WriteString(name, value);
                    continue;
                }
                if (ProfileRow.ParseValue(type, value) is not { } parsed)
                    return (null, $"{name}: '{CsvText.Excerpt(value)}' is not a valid {AttributeTypes.Name(type)}");
                RowValuesJson.Write(writer, name, parsed);
            }
            writer.WriteEndObject();
        }
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), null);
    }

    /// <summary>The file's lines (1-based numbers), each at most <see cref="CsvReader.MaxRecordLength"/> bytes; a longer one is skipped, flagged.</summary>
    private static async IAsyncEnumerable<(long Number, byte[] Line, bool TooLong)> Lines(Stream file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var line = new MemoryStream();
        var (number, tooLong) = (1L, false);
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var span = buffer.AsMemory(0, read);
            while (span.Length > 0)
            {
                var end = span.Span.IndexOf((byte)'\n');
                var part = end < 0 ? span : span[..end];
                if (!tooLong)
                {
                    if (line.Length + part.Length > CsvReader.MaxRecordLength)
                        (tooLong, line) = (true, new MemoryStream());
                    else
                        line.Write(part.Span);
                }
                if (end < 0)
                    break;
                yield return (number, tooLong ? [] : Text(number, line.ToArray()), tooLong);
                number++;
                (line, tooLong) = (new MemoryStream(), false);
                span = span[(end + 1)..];
            }
        }
        if (line.Length > 0 || tooLong)
            yield return (number, tooLong ? [] : Text(number, line.ToArray()), tooLong);
    }

    /// <summary>A line without its CR (CRLF files), the first without a UTF-8 byte order mark (files saved by Windows tools).</summary>
    private static byte[] Text(long number, byte[] line)
    {
        if (number == 1 && line is [0xEF, 0xBB, 0xBF, ..])
            line = line[3..];
        return line is [.., (byte)'\r'] ? line[..^1] : line;
    }
}
