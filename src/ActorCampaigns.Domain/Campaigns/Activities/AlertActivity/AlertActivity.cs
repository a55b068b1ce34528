using System.Text.Json;
namespace ActorCampaigns.Domain.Campaigns;

/// <summary>Tells someone that an execution reached this point, and how many profiles did; the population passes on unchanged.</summary>
public sealed record AlertActivity(string Id, string? Webhook, string? Email, string? From, string? Note) : Activity(Id);

public sealed class AlertKind : ActivityKind<AlertActivity>
{
    public override string Type => "alert";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary =>
        "Sends an alert when the execution reaches it (the campaign, the execution, the activity and how many profiles reached it) to a webhook URL " +
        "and/or an email address, through the node's providers (a webhook alert is a line of the outbox's alert channel for a relay to post, " +
        "or posted by the node when its AlertProvider is webhook; " +
        "an email goes through the email provider); its population passes on unchanged. " +
        "A test execution records the alert on its log line without sending it.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("webhook", "Webhook URL", "text", "An http(s) URL the alert is for: written to the outbox's alert channel (outbox/alert.jsonl on one node) for a relay to post, or posted by the node (AlertProvider webhook)."),
        new("email", "Email address", "text", "An address the alert is emailed to (through the email provider). At least one of webhook and email."),
        new("from", "From", "text", "The alert email's sender (default: the address it goes to)."),
        new("note", "Note", "area", "A line of text added to the alert."),
    ];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "email": "team@example.com" }""";

    public override string Icon => "M8 1.5 15 14H1zM8 6v4M8 11.5v1";

    public override Activity Read(string id, JsonFields fields) => new AlertActivity(id, fields.String("webhook", required: false),
        fields.String("email", required: false), fields.String("from", required: false), fields.String("note", required: false));

    protected override void Check(AlertActivity alert, KindChecks checks)
    {
        if (alert.Webhook is null && alert.Email is null)
            checks.Error("", "an alert needs a webhook, an email, or both");
        if (alert.Webhook is { } webhook && AlertTargets.WebhookError(webhook) is { } wrongUrl)
            checks.Error(".webhook", wrongUrl);
        foreach (var (address, at) in new[] { (alert.Email, ".email"), (alert.From, ".from") })
        {
            if (address is not null && AlertTargets.AddressError(address) is { } wrongAddress)
                checks.Error(at, wrongAddress);
        }
        if (alert.Note is { Length: > 1_000 })
            checks.Error(".note", "a note has at most 1,000 characters");
    }

    protected override void Write(AlertActivity alert, Utf8JsonWriter writer)
    {
        foreach (var (name, value) in new[] { ("webhook", alert.Webhook), ("email", alert.Email), ("from", alert.From), ("note", alert.Note) })
        {
            if (value is not null)
                writer.WriteString(name, value);
        }
    }
}
