using static ActorCampaigns.Engine.Campaigns.CampaignEvents;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>The log line of each event of a campaign, written when the event is applied.</summary>
public static class CampaignLog
{
    /// <param name="after">The state with the event applied.</param>
    public static LogLine Line(ICampaignEvent @event, CampaignState after) => @event switch
    {
        Created { DuplicatedFrom: { } from } e => Info(e.At, $"created as a copy of campaign '{from}'"),
        Created e => Info(e.At, "created"),
        Replaced e => Info(e.At, "document replaced"),
        ReplacementQueued e => Info(e.At, "document replaced: the executions running finish on the one before; the campaign takes it once none runs"),
        Published e => Info(e.At, "published" + (e.By is { } by ? $" by {by}" : "") + (e.ApprovedBy is { } approver ? $", approved by {approver}" : "")),
        ExecutionStarted e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, null, $"{Name(e.Mode)} execution started"
            + (e.Due is { } due ? $" for the occurrence due {due:O}" : "")
            + (e.TriggeredBy is { } by ? $", signalled by {by}" : e.Variables.Count > 0 ? $" with {string.Join(", ", e.Variables.Select(v => $"{v.Key}={v.Value.Value}"))}" : "")),
        ActivityCompleted { Counts.RenderErrors: [_, ..] reasons } e => new LogLine(e.At, LogLevel.Warning, e.Execution.Value, e.Activity,
            $"{Counts(e)}; not rendered: {string.Join("; ", reasons)}"),
        ActivityCompleted e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, e.Activity, Counts(e)),
        ExecutionPartitioned e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, null,
            $"split into {e.Boundaries.Count + 1} partitions by id" + (e.Boundaries.Count > 0 ? $" (boundaries {string.Join(", ", e.Boundaries)})" : "")),
        PartitionCompleted e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, e.Activity,
            $"partition {e.Partition} completed on {e.Node ?? "an unknown member"}: in {e.Counts.In}, out {string.Join(", ", e.Counts.Out.Select(p => $"{p.Key} {p.Value}"))}"),
        ActivityDecided e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, e.Activity, $"decided over the whole population for its partitions: {e.Decision}"),
        ExperimentDecided e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, e.Activity, Experiment(Activities.ExperimentDecision.Parse(e.Decision))),
        ActivityFailed e => new LogLine(e.At, LogLevel.Error, e.Execution.Value, e.Activity, $"failed: {e.Reason}"),
        ErrorNotified e => new LogLine(e.At, e.Notes.All(n => n.StartsWith("alert sent", StringComparison.Ordinal)) ? LogLevel.Info : LogLevel.Warning,
            e.Execution.Value, null, $"error notification: {string.Join("; ", e.Notes)}"),
        OccurrencesSkipped e => new LogLine(e.At, LogLevel.Warning, null, null, e.Count == 1
            ? $"skipped the occurrence due {e.First:O}, missed while no node ran or the campaign was paused (catchUp {Name(e.CatchUp)})"
            : $"skipped {e.Count} occurrences due from {e.First:O} to {e.Through:O}, missed while no node ran or the campaign was paused (catchUp {Name(e.CatchUp)})"),
        ExecutionCompleted e => new LogLine(e.At, LogLevel.Info, e.Execution.Value, null, "execution completed"),
        Paused e => Info(e.At, "paused: activities hold at their next batch boundary"),
        Resumed e => Info(e.At, "resumed"),
        Stopped { Reason: { } reason } e => new LogLine(e.At, LogLevel.Error, null, null, $"stopped: {reason}"),
        Stopped e => Info(e.At, "stopped"),
        CampaignCompleted e => Info(e.At, $"completed after {after.Executions.Count(x => x.Mode == ExecutionMode.Live)} live execution(s)"),
        _ => Info(@event.At, @event.GetType().Name),
    };

    private static LogLine Info(DateTime at, string message) => new(at, LogLevel.Info, null, null, message);

    private static string Counts(ActivityCompleted e)
    {
        if (e.State == ActivityState.Held)
            return $"held in test mode: {e.Counts.In} profile(s) would receive it";
        var text = $"completed: in {e.Counts.In}, out {string.Join(", ", e.Counts.Out.Select(p => $"{p.Key} {p.Value}"))}";
        if (e.Counts.Excluded.Count > 0)
            text += $"; excluded {string.Join(", ", e.Counts.Excluded.Select(p => $"{p.Key} {p.Value}"))}";
        return e.Counts.Notes is [_, ..] notes ? text + "; " + string.Join("; ", notes) : text;
    }

    private static string Experiment(Activities.ExperimentDecision d) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"experiment decided: '{d.Winner}' wins ({(d.ForcedBy is { } by ? $"forced by {by}: " : d.Reason == Activities.ExperimentDecision.Fallback ? "fallback: " : "")}" +
        $"{d.Explanation}); {string.Join(", ", d.Arms.Select(a => $"{a.Name} {a.Successes}/{a.Reached} {d.Metric} ({a.Rate:P1}, best {a.ProbabilityToBeBest:0.000})"))}; " +
        $"{d.HeldBack} held back leave by '{d.Winner}'");

    private static string Name(ExecutionMode mode) => mode.ToString().ToLowerInvariant();

    private static string Name(Domain.Campaigns.CatchUp policy) => policy.ToString().ToLowerInvariant();
}
