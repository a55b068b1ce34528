using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Data;

/// <summary>
/// A row's values as a JSON object, as loads and changes of dimension keep them for their execution, read back by the
/// databases' JSON functions: numbers as numbers, booleans, strings as they are (not escaped beyond JSON's needs),
/// dates and timestamps as their ISO text.
/// </summary>
public static class RowValuesJson
{
    public static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) =>
        new(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static void Write(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case long whole:
                writer.WriteNumber(name, whole);
                break;
            case double number:
                writer.WriteNumber(name, number);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case DateOnly date:
                writer.WriteString(name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTime at:
                writer.WriteString(name, Timestamps.Format(at));
                break;
            default:
                writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
