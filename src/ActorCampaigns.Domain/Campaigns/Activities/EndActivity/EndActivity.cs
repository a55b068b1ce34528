using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record EndSignal(string Campaign, IReadOnlyDictionary<string, VariableValue> Variables);

public sealed record EndActivity(string Id, EndSignal? Signal) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [];
}

public sealed class EndKind : ActivityKind<EndActivity>
{
    public override string Type => "end";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary =>
        "Ends a path. With a signal, a live execution that reaches it triggers another campaign (a signal campaign) with the variables given.";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("signal", "Signal (JSON)", "json", "Optional: `{\"campaign\": \"c-…\", \"variables\": {…}}`, the signal campaign to trigger and its variables.")];

    public override IReadOnlyList<PortRule> Ports => [];

    public override string Icon => "M3 3h10v10H3z";

    public override bool Takes(Dimension dimension) => true;

    public override string Taken => "any population";

    public override Activity Read(string id, JsonFields fields)
    {
        if (fields.Object("signal", required: false) is not { } signal)
            return new EndActivity(id, null);
        var read = new EndSignal(signal.String("campaign", required: true) ?? "", CampaignDocumentReader.ReadVariables(signal, "variables"));
        signal.RejectUnknown("a signal");
        return new EndActivity(id, read);
    }

    protected override void Check(EndActivity end, KindChecks checks)
    {
        if (end.Signal is { } signal && !CampaignValidator.CampaignId().IsMatch(signal.Campaign))
            checks.Error(".signal.campaign", $"'{signal.Campaign}' is not a campaign id");
    }

    protected override void Write(EndActivity end, Utf8JsonWriter writer)
    {
        if (end.Signal is { } signal)
        {
            writer.WriteStartObject("signal");
            writer.WriteString("campaign", signal.Campaign);
            writer.WritePropertyName("variables");
            CampaignFormat.WriteVariables(writer, signal.Variables);
            writer.WriteEndObject();
        }
    }
}
