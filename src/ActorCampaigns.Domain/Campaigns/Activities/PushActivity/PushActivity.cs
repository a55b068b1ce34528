using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record PushContent(string Title, string Body, IReadOnlyDictionary<string, string>? Data);

public sealed record PushActivity(string Id, PushContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates =>
        [("title", Content.Title), ("body", Content.Body), .. (Content.Data ?? new Dictionary<string, string>()).Select(d => ($"data.{d.Key}", d.Value))];
}

public sealed class PushKind : ChannelKind<PushActivity>
{
    public override string Type => "push";

    public override string Address => "pushToken";

    public override string OptIn => "pushOptIn";

    public override string Summary =>
        "Sends each profile a push notification rendered from Liquid templates, to its `pushToken` (marketing needs `pushOptIn`); those it cannot send leave by excluded.";

    protected override IReadOnlyList<KindField> Content { get; } =
    [
        new("content.title", "Title", "text", "The title (a template).", Required: true),
        new("content.body", "Body", "area", "The body (a template).", Required: true),
        new("content.data", "Data (JSON)", "json", "Optional key-value pairs sent with the notification, each value a template."),
    ];

    public override string Start => """{ "content": { "title": "Hello", "body": "Hello {{ firstName }}" } }""";

    public override string Icon => "M8 1.5c2.5 0 4 2 4 4.5v3l1.5 2.5h-11L4 9V6c0-2.5 1.5-4.5 4-4.5zM6.5 13.5a1.5 1.5 0 0 0 3 0";

    protected override PushActivity Read(string id, JsonFields? content, MessageCategory category, double? throttle) =>
        new(id, content is null
            ? new PushContent("", "", null)
            : new PushContent(content.String("title", true) ?? "", content.String("body", true) ?? "",
                content.Get("data") is null ? null : content.Map("data", false).ToDictionary(d => d.Name, d =>
                {
                    if (d.Element.ValueKind == JsonValueKind.String)
                        return d.Element.GetString()!;
                    content.Error(d.Path, "a data value is a string template");
                    return "";
                })),
            category, throttle);

    protected override void WriteContent(PushActivity push, Utf8JsonWriter writer)
    {
        writer.WriteString("title", push.Content.Title);
        writer.WriteString("body", push.Content.Body);
        if (push.Content.Data is { } data)
        {
            writer.WriteStartObject("data");
            foreach (var (key, template) in data)
                writer.WriteString(key, template);
            writer.WriteEndObject();
        }
    }
}
