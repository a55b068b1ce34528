using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record SmsContent(string Text);

public sealed record SmsActivity(string Id, SmsContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates => [("text", Content.Text)];
}

public sealed class SmsKind : ChannelKind<SmsActivity>
{
    public override string Type => "sms";

    public override string Address => "phone";

    public override string OptIn => "smsOptIn";

    public override string Summary =>
        "Sends each profile a text message rendered from a Liquid template, to its `phone` (marketing needs `smsOptIn`); those it cannot send leave by excluded.";

    protected override IReadOnlyList<KindField> Content { get; } = [new("content.text", "Text", "area", "The message (a template).", Required: true)];

    public override string Start => """{ "content": { "text": "Hello {{ firstName }}" } }""";

    public override string Icon => "M2 2.5h12v8H7l-3.5 3v-3H2z";

    protected override SmsActivity Read(string id, JsonFields? content, MessageCategory category, double? throttle) =>
        new(id, new SmsContent(content?.String("text", true) ?? ""), category, throttle);

    protected override void WriteContent(SmsActivity sms, Utf8JsonWriter writer)
    {
        writer.WriteString("text", sms.Content.Text);
    }
}
