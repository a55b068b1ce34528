using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// A campaign document as the text of the public campaign format (contract section 2), both ways and without
/// validation: <see cref="Write(CampaignDocument)"/> spells every field by its name in the format, whatever the C#
/// records call it, and <see cref="Read"/> is the document reader of <see cref="CampaignValidator"/> (structure only,
/// no profile schema). A document written and read back is equal field by field to the one written.
/// </summary>
public static class CampaignFormat
{
    /// <summary>
    /// Escapes only what JSON requires (quote, backslash, control characters), no HTML-sensitive character and no
    /// character outside the BMP: a document written with it is as long as its text, whatever its alphabet, so it stays
    /// within <see cref="CampaignLimits.MaxDocumentCharacters"/> when it is read back.
    /// </summary>
    public static JavaScriptEncoder Encoder => MinimalJsonEncoder.Instance;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    /// <summary>The document's fingerprint: the first 32 hex digits of the SHA-256 of its written form.</summary>
    public static string Fingerprint(CampaignDocument document) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Write(document))))[..32];

    public static string Write(CampaignDocument document)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, document);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a document written in the format; throws <see cref="FormatException"/> with every problem otherwise.</summary>
    public static CampaignDocument Read(string json)
    {
        var errors = new List<ValidationError>();
        var read = CampaignDocumentReader.Read(json, errors);
        if (read is null || errors.Count > 0)
            throw new FormatException($"not a campaign document: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}");
        return read.Document;
    }

    public static void Write(Utf8JsonWriter writer, CampaignDocument document)
    {
        writer.WriteStartObject();
        writer.WriteString("name", document.Name);
        if (document.Description is not null)
            writer.WriteString("description", document.Description);
        writer.WritePropertyName("schedule");
        WriteSchedule(writer, document.Schedule);
        writer.WritePropertyName("variables");
        WriteVariables(writer, document.Variables);
        writer.WriteStartArray("activities");
        foreach (var activity in document.Activities)
            WriteActivity(writer, activity);
        writer.WriteEndArray();
        writer.WriteStartArray("transitions");
        foreach (var transition in document.Transitions)
        {
            writer.WriteStartObject();
            writer.WriteString("from", transition.From);
            writer.WriteString("port", transition.Port);
            writer.WriteString("to", transition.To);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (document.OnError is { } onError)
            WriteErrorPolicy(writer, onError);
        writer.WriteEndObject();
    }

    private static void WriteErrorPolicy(Utf8JsonWriter writer, ErrorPolicy onError)
    {
        writer.WriteStartObject("onError");
        writer.WriteString("policy", Name(onError.Policy));
        writer.WriteNumber("maxConsecutiveErrors", onError.MaxConsecutiveErrors);
        if (onError.Notify is { } notify)
        {
            writer.WriteStartObject("notify");
            foreach (var (name, value) in new[] { ("email", notify.Email), ("webhook", notify.Webhook), ("from", notify.From) })
            {
                if (value is not null)
                    writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>Variables as the format writes them: a number with a fraction keeps one (<c>2.0</c>), so it reads back as a number, not a whole number.</summary>
    public static void WriteVariables(Utf8JsonWriter writer, IReadOnlyDictionary<string, VariableValue> variables)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in variables)
        {
            writer.WritePropertyName(name);
            WriteVariable(writer, value);
        }
        writer.WriteEndObject();
    }

    public static void WriteVariable(Utf8JsonWriter writer, VariableValue value)
    {
        switch (value.Value)
        {
            case long whole: writer.WriteNumberValue(whole); break;
            case double number: WriteNumber(writer, number); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            default: writer.WriteStringValue((string)value.Value); break;
        }
    }

    internal static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        var text = number.ToString("R", CultureInfo.InvariantCulture);
        writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text);
    }

    internal static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTime at) =>
        writer.WriteString(name, Timestamps.Format(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at));

    private static void WriteSchedule(Utf8JsonWriter writer, Schedule schedule)
    {
        writer.WriteStartObject();
        switch (schedule)
        {
            case AsapSchedule:
                writer.WriteString("type", "asap");
                break;
            case OnceSchedule once:
                writer.WriteString("type", "once");
                WriteTimestamp(writer, "at", once.At);
                break;
            case RecurringSchedule recurring:
                writer.WriteString("type", "recurring");
                writer.WriteString("cron", recurring.Cron);
                writer.WriteString("timeZone", recurring.TimeZone);
                if (recurring.From is { } from)
                    WriteTimestamp(writer, "from", from);
                if (recurring.Until is { } until)
                    WriteTimestamp(writer, "until", until);
                if (recurring.CatchUp != CatchUp.Latest)
                    writer.WriteString("catchUp", Name(recurring.CatchUp));
                break;
            case SignalSchedule:
                writer.WriteString("type", "signal");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(schedule), schedule.GetType().Name);
        }
        writer.WriteEndObject();
    }

    private static void WriteActivity(Utf8JsonWriter writer, Activity activity)
    {
        writer.WriteStartObject();
        writer.WriteString("id", activity.Id);
        var kind = ActivityKinds.Of(activity);
        writer.WriteString("type", kind.Type);
        kind.Write(activity, writer);
        writer.WriteEndObject();
    }

    /// <summary>An enum value as the format names it: its C# name in camelCase.</summary>
    internal static string Name<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private sealed class MinimalJsonEncoder : JavaScriptEncoder
    {
        public static readonly MinimalJsonEncoder Instance = new();

        public override int MaxOutputCharactersPerInputCharacter => 6;

        public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

        public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
        {
            for (var i = 0; i < textLength; i++)
            {
                if (WillEncode(text[i]))
                    return i;
            }
            return -1;
        }

        public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
        {
            var escaped = unicodeScalar switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => $"\\u{unicodeScalar:X4}",
            };
            if (escaped.Length > bufferLength)
            {
                numberOfCharactersWritten = 0;
                return false;
            }
            escaped.AsSpan().CopyTo(new Span<char>(buffer, bufferLength));
            numberOfCharactersWritten = escaped.Length;
            return true;
        }
    }
}
