using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>A campaign document inside a message on the wire (create, replace) as the public campaign format, not its records.</summary>
public sealed class CampaignDocumentConverter : JsonConverter<CampaignDocument>
{
    public override CampaignDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        try
        {
            return CampaignFormat.Read(document.RootElement.GetRawText());
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CampaignDocument value, JsonSerializerOptions options) => CampaignFormat.Write(writer, value);
}
