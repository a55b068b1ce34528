using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

public sealed record ReadAudienceActivity(string Id, string Audience) : Activity(Id);

public sealed class ReadAudienceKind : ActivityKind<ReadAudienceActivity>
{
    public override string Type => "readAudience";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary => "Starts a population from an audience saved earlier by a saveAudience activity (of this or another campaign).";

    public override IReadOnlyList<KindField> Fields { get; } = [new("audience", "Audience", "text", "The saved audience's name.", Required: true)];

    public override bool IsSource => true;

    public override string Start => """{ "audience": "" }""";

    public override string Icon => "M5.5 7a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM1 14c0-3 2-5 4.5-5S10 11 10 14zM11 7a2 2 0 1 0 0-4M12 9c1.8.4 3 2.2 3 5h-3";

    public override Activity Read(string id, JsonFields fields) => new ReadAudienceActivity(id, fields.String("audience", required: true) ?? "");

    protected override void Check(ReadAudienceActivity activity, KindChecks checks) => checks.AudienceName(activity.Audience, ".audience");

    protected override void Write(ReadAudienceActivity read, Utf8JsonWriter writer)
    {
        writer.WriteString("audience", read.Audience);
    }
}
