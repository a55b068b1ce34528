using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

internal sealed class VariableValueJsonConverter : JsonConverter<VariableValue>
{
    public override VariableValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new VariableValue(reader.GetString()!),
            JsonTokenType.True or JsonTokenType.False => new VariableValue(reader.GetBoolean()),
            JsonTokenType.Number when reader.TryGetInt64(out var whole) => new VariableValue(whole),
            JsonTokenType.Number => new VariableValue(reader.GetDouble()),
            _ => throw new JsonException("a variable is a string, a number or a bool"),
        };

    public override void Write(Utf8JsonWriter writer, VariableValue value, JsonSerializerOptions options)
    {
        switch (value.Value)
        {
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case bool b: writer.WriteBooleanValue(b); break;
            default: writer.WriteStringValue((string)value.Value); break;
        }
    }
}
