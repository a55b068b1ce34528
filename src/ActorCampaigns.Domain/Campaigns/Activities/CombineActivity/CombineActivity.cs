using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public enum CombineMode { Union, Intersection, Exclusion }

public sealed record CombineActivity(string Id, CombineMode Mode, string? Primary, bool Complement) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => Complement ? [Transition.DefaultPort, "complement"] : Out;
}

public sealed class CombineKind : ActivityKind<CombineActivity>
{
    public override string Type => "combine";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Combines two or more inbound populations: union (in any), intersection (in all) or exclusion (in the primary and in no other); " +
        "with complement, the profiles left out leave by a port of their own.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("mode", "Mode", "select:union|intersection|exclusion", "union, intersection or exclusion.", Required: true),
        new("primary", "Primary (exclusion)", "text", "For exclusion: the inbound activity whose profiles are kept unless another inbound population has them."),
        new("complement", "Complement", "bool", "Also send the profiles left out by the complement port."),
    ];

    public override IReadOnlyList<PortRule> Ports => [PortRule.Fixed(Transition.DefaultPort), new(Port: "complement", When: "complement")];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "mode": "union" }""";

    public override string Icon => "M6 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z";

    public override Activity Read(string id, JsonFields fields) =>
        new CombineActivity(id, fields.Enum<CombineMode>("mode", required: true) ?? CombineMode.Union, fields.String("primary", required: false), fields.Bool("complement"));

    protected override void Check(CombineActivity combine, KindChecks checks)
    {
        if (checks.Inbound.Count < 2)
            checks.Error("", $"combine needs at least two inbound transitions, found {checks.Inbound.Count}");
        if (combine.Mode == CombineMode.Exclusion)
        {
            if (combine.Primary is null)
                checks.Error(".primary", "is required when mode is exclusion");
            else if (!checks.Inbound.Contains(combine.Primary))
                checks.Error(".primary", $"'{combine.Primary}' is not an inbound activity of '{combine.Id}'");
        }
        else if (combine.Primary is not null)
        {
            checks.Error(".primary", "is used only when mode is exclusion");
        }
    }

    protected override void Write(CombineActivity combine, Utf8JsonWriter writer)
    {
        writer.WriteString("mode", CampaignFormat.Name(combine.Mode));
        if (combine.Primary is not null)
            writer.WriteString("primary", combine.Primary);
        writer.WriteBoolean("complement", combine.Complement);
    }
}
