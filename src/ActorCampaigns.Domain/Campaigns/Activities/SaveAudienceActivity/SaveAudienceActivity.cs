using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

public sealed record SaveAudienceActivity(string Id, string Audience) : Activity(Id);

public sealed class SaveAudienceKind : ActivityKind<SaveAudienceActivity>
{
    public override string Type => "saveAudience";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Saves its inbound population as a named audience (replacing one of the same name) and passes it on; in test mode it saves nothing.";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("audience", "Audience", "text", "The name to save under: letters, digits, _ . -, up to 128.", Required: true)];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "audience": "" }""";

    public override string Icon => "M2 2h10l2 2v10H2zM5 2v4h6V2M5 14v-4h6v4";

    public override Activity Read(string id, JsonFields fields) => new SaveAudienceActivity(id, fields.String("audience", required: true) ?? "");

    protected override void Check(SaveAudienceActivity activity, KindChecks checks) => checks.AudienceName(activity.Audience, ".audience");

    protected override void Write(SaveAudienceActivity save, Utf8JsonWriter writer)
    {
        writer.WriteString("audience", save.Audience);
    }
}
