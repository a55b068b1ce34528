using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>How campaign documents are written: camelCase, enums as their names in the contract, nulls left out.</summary>
public static class CampaignJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ActivityKinds.Polymorphism } },
    };

    public static string Write(CampaignDocument document) => JsonSerializer.Serialize(document, Options);
}
