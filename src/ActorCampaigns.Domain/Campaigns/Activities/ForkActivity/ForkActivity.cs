using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

public sealed record ForkActivity(string Id) : Activity(Id);

public sealed class ForkKind : ActivityKind<ForkActivity>
{
    public override string Type => "fork";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary => "Passes its whole population to every activity its out port leads to, so branches run side by side.";

    public override IReadOnlyList<KindField> Fields { get; } = [];

    public override string Icon => "M2 8h5M7 8l6-5M7 8l6 5M11 3h2v2M11 13h2v-2";

    public override Activity Read(string id, JsonFields fields) => new ForkActivity(id);

    protected override void Write(ForkActivity fork, Utf8JsonWriter writer)
    {
    }
}
