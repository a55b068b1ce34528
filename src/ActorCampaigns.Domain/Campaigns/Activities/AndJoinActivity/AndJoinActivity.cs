using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

public sealed record AndJoinActivity(string Id, string Primary) : Activity(Id);

public sealed class AndJoinKind : ActivityKind<AndJoinActivity>
{
    public override string Type => "andJoin";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary => "Waits for every inbound branch to complete, then passes on the population of its primary branch.";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("primary", "Primary", "text", "The inbound activity whose population is passed on.", Required: true)];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "primary": "" }""";

    public override string Icon => "M14 8H9M9 8L3 3M9 8l-6 5M12 6l2 2-2 2";

    public override Activity Read(string id, JsonFields fields) => new AndJoinActivity(id, fields.String("primary", required: true) ?? "");

    protected override void Check(AndJoinActivity join, KindChecks checks)
    {
        if (!checks.Inbound.Contains(join.Primary))
            checks.Error(".primary", $"'{join.Primary}' is not an inbound activity of '{join.Id}'");
    }

    protected override void Write(AndJoinActivity join, Utf8JsonWriter writer)
    {
        writer.WriteString("primary", join.Primary);
    }
}
