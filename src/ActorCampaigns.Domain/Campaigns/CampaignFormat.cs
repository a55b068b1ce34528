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

    private static void WriteNumber(Utf8JsonWriter writer, double number)
    {
        var text = number.ToString("R", CultureInfo.InvariantCulture);
        writer.WriteRawValue(text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text);
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTime at) =>
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
        writer.WriteString("type", ActivityKinds.Of(activity).Type);
        switch (activity)
        {
            case BuildAudienceActivity build:
                writer.WriteString("filter", build.Filter);
                break;
            case ReadAudienceActivity read:
                writer.WriteString("audience", read.Audience);
                break;
            case CombineActivity combine:
                writer.WriteString("mode", Name(combine.Mode));
                if (combine.Primary is not null)
                    writer.WriteString("primary", combine.Primary);
                writer.WriteBoolean("complement", combine.Complement);
                break;
            case DeduplicateActivity deduplicate:
                writer.WriteStartArray("keys");
                foreach (var key in deduplicate.Keys)
                    writer.WriteStringValue(key);
                writer.WriteEndArray();
                writer.WriteNumber("keep", deduplicate.Keep);
                writer.WriteString("method", Name(deduplicate.Method));
                // The format takes "by" only with lowest or highest; random reads back with the default.
                if (deduplicate.Method != DeduplicateMethod.Random)
                    writer.WriteString("by", deduplicate.By);
                break;
            case EnrichActivity enrich:
                writer.WriteStartObject("columns");
                foreach (var column in enrich.Columns)
                    writer.WriteString(column.Name, column.Expression);
                writer.WriteEndObject();
                break;
            case SplitActivity split:
                writer.WriteStartArray("subsets");
                foreach (var subset in split.Subsets)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", subset.Name);
                    if (subset.Filter is not null)
                        writer.WriteString("filter", subset.Filter);
                    if (subset.Limit is { } limit)
                    {
                        writer.WriteStartObject("limit");
                        if (limit.Count is { } count)
                            writer.WriteNumber("count", count);
                        if (limit.Percent is { } percent)
                        {
                            writer.WritePropertyName("percent");
                            WriteNumber(writer, percent);
                        }
                        writer.WriteEndObject();
                    }
                    if (subset.Order is not null)
                        writer.WriteString("order", subset.Order);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteBoolean("complement", split.Complement);
                writer.WriteBoolean("allowOverlap", split.AllowOverlap);
                break;
            case SaveAudienceActivity save:
                writer.WriteString("audience", save.Audience);
                break;
            case WaitActivity wait:
                if (wait.Duration is not null)
                    writer.WriteString("duration", wait.Duration);
                if (wait.Until is { } until)
                    WriteTimestamp(writer, "until", until);
                break;
            case ForkActivity:
                break;
            case AndJoinActivity join:
                writer.WriteString("primary", join.Primary);
                break;
            case TestActivity test:
                writer.WriteStartArray("conditions");
                foreach (var condition in test.Conditions)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", condition.Name);
                    writer.WriteString("when", condition.When);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
            case EndActivity end:
                if (end.Signal is { } signal)
                {
                    writer.WriteStartObject("signal");
                    writer.WriteString("campaign", signal.Campaign);
                    writer.WritePropertyName("variables");
                    WriteVariables(writer, signal.Variables);
                    writer.WriteEndObject();
                }
                break;
            case EmailActivity email:
                WriteChannel(writer, email);
                writer.WriteStartObject("content");
                writer.WriteString("from", email.Content.From);
                writer.WriteString("subject", email.Content.Subject);
                writer.WriteString("html", email.Content.Html);
                if (email.Content.Text is not null)
                    writer.WriteString("text", email.Content.Text);
                writer.WriteEndObject();
                break;
            case SmsActivity sms:
                WriteChannel(writer, sms);
                writer.WriteStartObject("content");
                writer.WriteString("text", sms.Content.Text);
                writer.WriteEndObject();
                break;
            case PushActivity push:
                WriteChannel(writer, push);
                writer.WriteStartObject("content");
                writer.WriteString("title", push.Content.Title);
                writer.WriteString("body", push.Content.Body);
                if (push.Content.Data is { } data)
                {
                    writer.WriteStartObject("data");
                    foreach (var (key, template) in data)
                        writer.WriteString(key, template);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                break;
            default:
                // A kind is written here field by field, as its kind reads it: a kind added to ActivityKinds needs its case.
                throw new ArgumentOutOfRangeException(nameof(activity), $"the public format has no writer for kind '{ActivityKinds.Of(activity).Type}': add its case to CampaignFormat");
        }
        writer.WriteEndObject();
    }

    private static void WriteChannel(Utf8JsonWriter writer, ChannelActivity channel)
    {
        writer.WriteString("category", Name(channel.Category));
        if (channel.Throttle is { } throttle)
        {
            writer.WritePropertyName("throttle");
            WriteNumber(writer, throttle);
        }
    }

    /// <summary>An enum value as the format names it: its C# name in camelCase.</summary>
    private static string Name<T>(T value) where T : struct, Enum
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
