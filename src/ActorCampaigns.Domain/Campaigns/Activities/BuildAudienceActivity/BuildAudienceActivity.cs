using ActorCampaigns.Domain.Expressions;
using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

public sealed record BuildAudienceActivity(string Id, string Filter) : Activity(Id);

public sealed class BuildAudienceKind : ActivityKind<BuildAudienceActivity>
{
    public override string Type => "buildAudience";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary => "Starts a population: the profiles whose attributes match a filter expression (every profile when the filter is empty).";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("filter", "Filter (empty: every profile)", "area", "A boolean expression over a profile's attributes, variables and feedback; empty keeps every profile.")];

    public override bool IsSource => true;

    public override string Start => """{ "filter": "" }""";

    public override string Icon => "M2 3h12l-4.5 5.5V13l-3 1.5V8.5z";

    public override Activity Read(string id, JsonFields fields) => new BuildAudienceActivity(id, fields.String("filter", required: false) ?? "");

    protected override void Check(BuildAudienceActivity activity, KindChecks checks) => checks.Filter(activity.Filter, ".filter");

    protected override void Write(BuildAudienceActivity build, Utf8JsonWriter writer)
    {
        writer.WriteString("filter", build.Filter);
    }

    protected override IEnumerable<string> Columns(BuildAudienceActivity build, BindingScope scope) => NamesIn(build.Filter, scope);
}
