using ActorCampaigns.Domain.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public enum DeduplicateMethod { Lowest, Highest, Random }

public sealed record DeduplicateActivity(string Id, IReadOnlyList<string> Keys, int Keep, DeduplicateMethod Method, string By) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [Transition.DefaultPort, "duplicates"];
}

public sealed class DeduplicateKind : ActivityKind<DeduplicateActivity>
{
    public override string Type => "deduplicate";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Keeps, of the profiles sharing the same values of its keys, the first `keep` by `method` (lowest or highest `by`, or random); the others leave by duplicates.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("keys", "Keys (comma-separated)", "list", "The attributes (or enrich columns) whose values together make profiles duplicates.", Required: true),
        new("keep", "Keep", "number", "How many of each group are kept (1 to 1,000,000; default 1)."),
        new("method", "Method", "select:lowest|highest|random", "Which are kept: the lowest or highest `by`, or random (default lowest)."),
        new("by", "By", "text", "The attribute ordering the group for lowest and highest (default id)."),
    ];

    public override IReadOnlyList<PortRule> Ports => [PortRule.Fixed(Transition.DefaultPort), PortRule.Fixed("duplicates")];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "keys": ["email"], "method": "lowest", "by": "id" }""";

    public override string Icon => "M2 2h8v8H2zM6 6h8v8H6z";

    public override Activity Read(string id, JsonFields fields)
    {
        var keys = fields.Array("keys", required: true).Select(k =>
        {
            if (k.Element.ValueKind == JsonValueKind.String)
                return k.Element.GetString()!;
            fields.Error(k.Path, "a key is an attribute name");
            return "";
        }).ToList();
        if (keys.Count == 0 && fields.Get("keys") is { ValueKind: JsonValueKind.Array })
            fields.Error(fields.At("keys"), "must name at least one attribute");
        var keep = fields.Whole("keep");
        if (keep is < 1 or > 1_000_000)
            fields.Error(fields.At("keep"), "must be between 1 and 1000000");
        var method = fields.Enum<DeduplicateMethod>("method", required: false, DeduplicateMethod.Lowest)!.Value;
        var by = fields.String("by", required: false);
        if (by is not null && method == DeduplicateMethod.Random)
            fields.Error(fields.At("by"), "is used only with method lowest or highest");
        return new DeduplicateActivity(id, keys, (int)Math.Clamp(keep ?? 1, 1, 1_000_000), method, by ?? "id");
    }

    protected override void Check(DeduplicateActivity dedup, KindChecks checks)
    {
        for (var k = 0; k < dedup.Keys.Count; k++)
            checks.Column(dedup.Keys[k], $".keys[{k}]");
        checks.Column(dedup.By, ".by");
    }

    protected override void Write(DeduplicateActivity deduplicate, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("keys");
        foreach (var key in deduplicate.Keys)
            writer.WriteStringValue(key);
        writer.WriteEndArray();
        writer.WriteNumber("keep", deduplicate.Keep);
        writer.WriteString("method", CampaignFormat.Name(deduplicate.Method));
        // The format takes "by" only with lowest or highest; random reads back with the default.
        if (deduplicate.Method != DeduplicateMethod.Random)
            writer.WriteString("by", deduplicate.By);
    }

    protected override IEnumerable<string> Columns(DeduplicateActivity dedup, BindingScope scope) =>
        dedup.Method == DeduplicateMethod.Random ? dedup.Keys : [.. dedup.Keys, dedup.By];
}
