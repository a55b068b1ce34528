using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCampaigns.Data.Csv;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// The lines of a file of conversion events, each as the event object <c>POST /api/events</c> takes, or why it is not
/// one: CSV with a header naming <c>profileId</c>, <c>name</c> and any of <c>at</c>, <c>value</c>, <c>properties</c> (a JSON
/// object in a field), or JSON lines, an event object per line. A line's problem is its own; a file that is no such
/// file (a header naming something else, JSON lines that are not UTF-8) is refused whole. (CSV bytes that are not UTF-8
/// are an error of their record, as in a profile import.)
/// </summary>
public static class EventImport
{
    /// <summary>One line of the file: the event object it holds, or why it holds none.</summary>
    public sealed record Line(long Number, JsonElement Item, string? Error);

    private const int MaxLineLength = 65_536;

    private static readonly string[] Columns = ["profileId", "name", "at", "value", "properties"];

    /// <exception cref="FormatException">The header is not one of an events file.</exception>
    public static IEnumerable<Line> Csv(Stream utf8)
    {
        var csv = new CsvReader(utf8);
        if (!csv.Read())
            yield break;
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.FieldText(i) ?? "").ToList();
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        if (csv.Error is not null || unknown.Count > 0 || !header.Contains("profileId") || !header.Contains("name") || header.Distinct().Count() != header.Count)
            throw new FormatException($"the header must name profileId and name, and may name at, value and properties, each once{(unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : "")}");
        while (csv.Read())
        {
            if (csv.Error is { } error)
            {
                yield return new Line(csv.Line, default, error);
                continue;
            }
            if (csv.FieldCount != header.Count)
            {
                yield return new Line(csv.Line, default, $"has {csv.FieldCount} fields, the header {header.Count}");
                continue;
            }
            var item = new JsonObject();
            for (var i = 0; i < header.Count; i++)
            {
                if (csv.FieldText(i) is not { Length: > 0 } text)
                    continue;
                item[header[i]] = header[i] switch
                {
                    "profileId" when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) => JsonValue.Create(id),
                    "value" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) => JsonValue.Create(number),
                    "properties" => ParsedOrText(text),
                    _ => JsonValue.Create(text),
                };
            }
            yield return new Line(csv.Line, JsonSerializer.SerializeToElement(item), null);
        }
    }

    /// <summary>Refuses a file that is not UTF-8 before any of its lines is read (the stream is read again from its start).</summary>
    /// <exception cref="FormatException">The file is not UTF-8 text.</exception>
    private static void CheckUtf8(Stream utf8)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var (bytes, chars) = (new byte[81_920], new char[81_921]);
        long offset = 0;
        int read;
        try
        {
            while ((read = utf8.Read(bytes)) > 0)
            {
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                offset += read;
            }
            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"the file is not UTF-8 text (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} near byte offset {offset + e.Index:N0}); nothing was recorded");
        }
        utf8.Position = 0;
    }

    /// <summary>The lines of a JSON lines file, once the whole file is known to be UTF-8: a file refused gives no line.</summary>
    /// <exception cref="FormatException">The file is not UTF-8 text.</exception>
    public static IEnumerable<Line> JsonLines(Stream utf8)
    {
        CheckUtf8(utf8);
        using var reader = new StreamReader(utf8, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        var (line, number, tooLong) = (new StringBuilder(), 1L, false);
        while (true)
        {
            var next = reader.Read();
            if (next is not (-1 or '\n'))
            {
                if (line.Length < MaxLineLength)
                    line.Append((char)next);
                else
                    tooLong = true;
                continue;
            }
            var text = line.ToString().TrimEnd('\r');
            if (tooLong)
                yield return new Line(number, default, $"is longer than {MaxLineLength:N0} characters");
            else if (text.Trim().Length > 0)
                yield return Parsed(number, text);
            if (next == -1)
                yield break;
            (number, tooLong) = (number + 1, false);
            line.Clear();
        }
    }

    private static Line Parsed(long number, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = CampaignLimits.MaxJsonDepth });
            return WellFormed(document.RootElement) is { } problem ? new Line(number, default, problem) : new Line(number, document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return new Line(number, default, $"is not JSON: {e.Message}");
        }
    }

    /// <summary>Why JSON is not well-formed (a key twice in an object, a lone surrogate escape), or null, as request bodies are checked.</summary>
    private static string? WellFormed(JsonElement element)
    {
        var errors = new List<ValidationError>();
        JsonWellFormed.Check(element, errors);
        return errors.Count == 0 ? null : $"is not well-formed JSON: {errors[0].Path}: {errors[0].Message}";
    }

    /// <summary>A properties field: the JSON it holds, or its text (which the event's check then refuses as no object).</summary>
    private static JsonNode? ParsedOrText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = CampaignLimits.MaxJsonDepth });
            return WellFormed(document.RootElement) is null ? JsonNode.Parse(text) : JsonValue.Create(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
