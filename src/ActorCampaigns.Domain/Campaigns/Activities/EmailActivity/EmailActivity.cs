using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record EmailContent(string From, string Subject, string Html, string? Text);

public sealed record EmailActivity(string Id, EmailContent Content, MessageCategory Category, double? Throttle)
    : ChannelActivity(Id, Category, Throttle)
{
    [JsonIgnore]
    public override IEnumerable<(string, string)> Templates =>
        [("from", Content.From), ("subject", Content.Subject), ("html", Content.Html), .. Content.Text is null ? [] : new[] { ("text", Content.Text) }];
}

public sealed class EmailKind : ChannelKind<EmailActivity>
{
    public override string Type => "email";

    public override string Address => "email";

    public override string OptIn => "emailOptIn";

    public override string Summary =>
        "Sends each profile an email rendered from Liquid templates over its attributes, to its `email` (marketing needs `emailOptIn`); " +
        "links are tracked, with an open pixel and a one-click unsubscribe URL. Those it cannot send leave by excluded, with the reason.";

    protected override IReadOnlyList<KindField> Content { get; } =
    [
        new("content.from", "From", "text", "The sender (a template).", Required: true),
        new("content.subject", "Subject", "text", "The subject (a template).", Required: true),
        new("content.html", "HTML", "area", "The HTML body (a template; values are HTML-encoded).", Required: true),
        new("content.text", "Text", "area", "An optional plain-text body (a template)."),
    ];

    public override string Start => """{ "content": { "from": "news@example.com", "subject": "Hello {{ firstName }}", "html": "<p>Hello</p>" } }""";

    public override string Icon => "M1.5 3.5h13v9h-13zM1.5 3.5 8 9l6.5-5.5";

    protected override EmailActivity Read(string id, JsonFields? content, MessageCategory category, double? throttle) =>
        new(id, content is null
            ? new EmailContent("", "", "", null)
            : new EmailContent(content.String("from", true) ?? "", content.String("subject", true) ?? "", content.String("html", true) ?? "", content.String("text", false)),
            category, throttle);

    protected override void WriteContent(EmailActivity email, Utf8JsonWriter writer)
    {
        writer.WriteString("from", email.Content.From);
        writer.WriteString("subject", email.Content.Subject);
        writer.WriteString("html", email.Content.Html);
        if (email.Content.Text is not null)
            writer.WriteString("text", email.Content.Text);
    }
}
