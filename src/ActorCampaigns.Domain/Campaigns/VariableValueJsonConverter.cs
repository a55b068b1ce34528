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

    /// <summary>As the campaign format writes one: a number keeps its fraction (3.0), so it reads back a number, not a whole.</summary>
    public override void Write(Utf8JsonWriter writer, VariableValue value, JsonSerializerOptions options) => CampaignFormat.WriteVariable(writer, value);
}
