using System.Text.Json;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>Holds the population for <see cref="Duration"/> or until <see cref="Until"/> (exactly one is set).</summary>
public sealed record WaitActivity(string Id, string? Duration, DateTime? Until) : Activity(Id);

public sealed class WaitKind : ActivityKind<WaitActivity>
{
    public override string Type => "wait";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary =>
        "Holds its population for a duration after what feeds it completed, or until an instant, then passes it on (the execution waits, its slot given back).";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("duration", "Duration (ISO 8601)", "text", "How long to hold, as an ISO 8601 duration (P1D, PT2H30M). Exactly one of duration and until."),
        new("until", "Until (timestamp)", "text", "The instant to hold until (ISO 8601 with an offset or Z). Exactly one of duration and until."),
    ];

    public override string Start => """{ "duration": "P1D" }""";

    public override string Icon => "M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4v4l3 2";

    public override Activity Read(string id, JsonFields fields) =>
        new WaitActivity(id, fields.String("duration", required: false), fields.Timestamp("until", required: false));

    protected override void Check(WaitActivity wait, KindChecks checks)
    {
        if ((wait.Duration is null) == (wait.Until is null))
            checks.Error("", "a wait needs exactly one of duration or until");
        if (wait.Duration is not null && !IsoDuration.TryParse(wait.Duration, out _, out var why))
            checks.Error(".duration", why);
    }

    protected override void Write(WaitActivity wait, Utf8JsonWriter writer)
    {
        if (wait.Duration is not null)
            writer.WriteString("duration", wait.Duration);
        if (wait.Until is { } until)
            CampaignFormat.WriteTimestamp(writer, "until", until);
    }
}
