using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>An arm of an experiment: its port, and the percent of the population it takes.</summary>
public sealed record ExperimentArm(string Name, double Percent);

/// <summary>What an experiment compares its arms on: the share of profiles sent a message who opened, clicked or converted.</summary>
public enum ExperimentMetric { Opened, Clicked, Converted }

/// <summary>
/// An A/B test with an automatic winner: each arm takes its percent of the population (by a keyed hash of the profile
/// id, stable for the execution) and leaves by its port at once; the rest wait on <see cref="Holdback"/>. Once the
/// arms' paths are done and <see cref="Window"/> has passed, the arm most probably best on <see cref="Metric"/> wins
/// (or <see cref="Fallback"/>), and the held-back profiles leave by the winner's port, a second wave down its path.
/// </summary>
public sealed record ExperimentActivity(
    string Id,
    IReadOnlyList<ExperimentArm> Arms,
    ExperimentMetric Metric,
    string? Event,
    string Window,
    long MinimumPerArm,
    double ProbabilityToBeBest,
    string Fallback) : Activity(Id)
{
    /// <summary>The port the held-back profiles are counted on until the decision; no transition leaves it.</summary>
    public const string Holdback = "holdback";

    public const long DefaultMinimumPerArm = 100;

    public const double DefaultProbabilityToBeBest = 0.95;

    /// <summary>At most this many arms: each is a path of its own on the canvas, and the decision's cost grows with their square.</summary>
    public const int MaxArms = 10;

    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [.. Arms.Select(a => a.Name), Holdback];
}

public sealed class ExperimentKind : ActivityKind<ExperimentActivity>
{
    public override string Type => "experiment";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary =>
        "An A/B test with an automatic winner: each arm (a port) takes its percent of the population at once, the rest are held back; " +
        "once the arms' paths are done and the window has passed, the arm most probably best on the metric wins (or the fallback), " +
        "and the held-back profiles leave by the winner's port.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("arms", "Arms (JSON)", "json", "A list of arms: `name` (its port) and `percent` of the population; at least two, adding up to at most 100.",
            Required: true),
        new("metric", "Metric", "select:opened|clicked|converted", "What the arms are compared on, among the profiles sent a message.", Required: true),
        new("event", "Conversion event", "text", "The conversion event counted when the metric is converted (e.g. purchase)."),
        new("window", "Window (ISO 8601)", "text", "How long after the arms' paths are done the metric is measured before deciding (P1D, PT4H).",
            Required: true),
        new("minimumPerArm", "Minimum per arm", "number", $"Profiles each arm must have sent a message to for a winner to be chosen; default {ExperimentActivity.DefaultMinimumPerArm}."),
        new("decision.probabilityToBeBest", "Probability to be best", "number",
            $"The posterior probability an arm must reach to win; default {ExperimentActivity.DefaultProbabilityToBeBest}."),
        new("fallback", "Fallback arm", "text", "The arm that wins when none is clear (too few profiles, no arm probable enough); default the first."),
    ];

    public override IReadOnlyList<PortRule> Ports => [new(Each: "arms", Name: "name"), PortRule.Fixed(ExperimentActivity.Holdback)];

    public override string Start => """{ "arms": [{ "name": "a", "percent": 10 }, { "name": "b", "percent": 10 }], "metric": "clicked", "window": "P1D" }""";

    public override string Icon => "M2 3h5v4H2zM9 3h5v4H9zM4.5 7v3h7V7M8 10v3";

    public override Activity Read(string id, JsonFields fields)
    {
        var arms = new List<ExperimentArm>();
        foreach (var (element, path) in fields.Array("arms", required: true))
        {
            var arm = new JsonFields(element, path, fields.Errors);
            if (!arm.IsObject)
                continue;
            var percent = arm.Number("percent");
            if (percent is null && arm.Get("percent") is null)
                arm.Error(arm.At("percent"), "is required");
            arms.Add(new ExperimentArm(arm.String("name", required: true) ?? "", percent ?? 0));
            arm.RejectUnknown("an arm");
        }
        var decision = fields.Object("decision", required: false);
        var probability = decision?.Number("probabilityToBeBest") ?? ExperimentActivity.DefaultProbabilityToBeBest;
        decision?.RejectUnknown("a decision");
        return new ExperimentActivity(id, arms, fields.Enum<ExperimentMetric>("metric", required: true) ?? ExperimentMetric.Clicked,
            fields.String("event", required: false), fields.String("window", required: true) ?? "",
            fields.Whole("minimumPerArm") ?? ExperimentActivity.DefaultMinimumPerArm, probability,
            fields.String("fallback", required: false) ?? (arms.Count > 0 ? arms[0].Name : ""));
    }

    protected override void Check(ExperimentActivity experiment, KindChecks checks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var a = 0; a < experiment.Arms.Count; a++)
        {
            var arm = experiment.Arms[a];
            if (checks.PortName(arm.Name, $".arms[{a}].name", "arm", ExperimentActivity.Holdback) && !names.Add(arm.Name))
                checks.Error($".arms[{a}].name", $"duplicate arm name '{arm.Name}'");
            if (!double.IsFinite(arm.Percent) || arm.Percent <= 0 || arm.Percent > 100)
                checks.Error($".arms[{a}].percent", "must be more than 0 and at most 100");
        }
        if (experiment.Arms.Count < 2)
            checks.Error(".arms", "an experiment needs at least two arms");
        if (experiment.Arms.Count > ExperimentActivity.MaxArms)
            checks.Error(".arms", $"an experiment has at most {ExperimentActivity.MaxArms} arms, this one has {experiment.Arms.Count}");
        var total = experiment.Arms.Sum(a => a.Percent);
        if (total > 100)
            checks.Error(".arms", $"the arms' percents add up to {total:0.###}, more than 100");
        if (experiment.Metric == ExperimentMetric.Converted && experiment.Event is null)
            checks.Error(".event", "the converted metric needs the conversion event it counts (e.g. \"purchase\")");
        if (experiment.Event is { } name && !ConversionEvents.IsName(name))
            checks.Error(".event", $"'{name}' is not an event name (a letter, then letters, digits, '_', '.' or '-', at most 100)");
        if (experiment.Event is not null && experiment.Metric != ExperimentMetric.Converted)
            checks.Error(".event", "only the converted metric counts a conversion event");
        if (!IsoDuration.TryParse(experiment.Window, out var window, out var why))
            checks.Error(".window", why);
        else if (window <= TimeSpan.Zero)
            checks.Error(".window", "the window must be longer than zero: the arms need time to be opened, clicked or converted on");
        if (experiment.MinimumPerArm < 1)
            checks.Error(".minimumPerArm", "must be at least 1");
        if (!double.IsFinite(experiment.ProbabilityToBeBest) || experiment.ProbabilityToBeBest is <= 0.5 or >= 1)
            checks.Error(".decision.probabilityToBeBest", "must be more than 0.5 and less than 1");
        if (experiment.Arms.All(a => a.Name != experiment.Fallback))
            checks.Error(".fallback", $"'{experiment.Fallback}' is not one of the arms ({string.Join(", ", experiment.Arms.Select(a => a.Name))})");
        CheckPaths(experiment, checks);
    }

    /// <summary>
    /// Every arm leads somewhere and sends a message its metric can measure, nothing leaves the holdback, and an arm's
    /// path is its own: activities that look at each profile alone, each fed by one transition only. The winner's path
    /// runs again for the held-back profiles alone, so nothing on it may mix them with profiles from elsewhere.
    /// </summary>
    private static void CheckPaths(ExperimentActivity experiment, KindChecks checks)
    {
        if (checks.Outbound.Any(t => t.Port == ExperimentActivity.Holdback))
            checks.Error("", $"no transition may leave '{ExperimentActivity.Holdback}': the held-back profiles leave by the winning arm's port");
        for (var a = 0; a < experiment.Arms.Count; a++)
        {
            var arm = experiment.Arms[a];
            if (!checks.Outbound.Any(t => t.Port == arm.Name))
            {
                checks.Error($".arms[{a}]", $"arm '{arm.Name}' has no transition: its profiles, and the held-back ones if it wins, would go nowhere");
                continue;
            }
            var path = checks.Downstream(arm.Name);
            foreach (var downstream in path)
            {
                var kind = ActivityKinds.Of(downstream);
                if (kind is ExperimentKind || kind.Scope == PopulationScope.WholePopulation)
                    checks.Error($".arms[{a}]", $"'{downstream.Id}' ({kind.Type}) is on arm '{arm.Name}''s path, and looks at its whole population: an arm's path may only hold " +
                        "activities that look at each profile alone (a wait, a fork, a channel, an end), since the winner's path runs again with the held-back profiles");
                else if (checks.InboundCount(downstream.Id) > 1)
                    checks.Error($".arms[{a}]", $"'{downstream.Id}' is on arm '{arm.Name}''s path and has {checks.InboundCount(downstream.Id)} inbound transitions: " +
                        "each activity on an arm's path is fed by one transition only, so the held-back profiles are not mixed with others");
            }
            var measured = experiment.Metric == ExperimentMetric.Converted ? path.OfType<ChannelActivity>().Any() : path.OfType<EmailActivity>().Any();
            if (!measured)
                checks.Error($".arms[{a}]", experiment.Metric == ExperimentMetric.Converted
                    ? $"arm '{arm.Name}''s path sends no message: the experiment would have nothing to measure"
                    : $"arm '{arm.Name}''s path sends no email: only emails are {CampaignFormat.Name(experiment.Metric)}, so the experiment would have nothing to measure");
        }
    }

    protected override void Write(ExperimentActivity experiment, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("arms");
        foreach (var arm in experiment.Arms)
        {
            writer.WriteStartObject();
            writer.WriteString("name", arm.Name);
            writer.WritePropertyName("percent");
            CampaignFormat.WriteNumber(writer, arm.Percent);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteString("metric", CampaignFormat.Name(experiment.Metric));
        if (experiment.Event is not null)
            writer.WriteString("event", experiment.Event);
        writer.WriteString("window", experiment.Window);
        writer.WriteNumber("minimumPerArm", experiment.MinimumPerArm);
        writer.WriteStartObject("decision");
        writer.WritePropertyName("probabilityToBeBest");
        CampaignFormat.WriteNumber(writer, experiment.ProbabilityToBeBest);
        writer.WriteEndObject();
        writer.WriteString("fallback", experiment.Fallback);
    }
}
