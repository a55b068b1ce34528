using System.Diagnostics;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Telemetry;

/// <summary>
/// The node's spans, on the activity source <see cref="SourceName"/>: an execution is a trace (its span started by
/// its campaign, under the publish, test or trigger request that started it), each activity run a span under it (with
/// its counts), each channel batch a span under its activity, each call to a provider a span under its batch. The
/// execution's span context is kept with the execution (<see cref="CampaignEvents.ExecutionStarted"/>), so a run on any
/// member, or after a restart, joins the same trace: it travels in the messages that start runs. With no listener
/// (the node exports no traces) nothing is recorded.
/// </summary>
public static class CampaignTracing
{
    public const string SourceName = "ActorCampaigns";

    public static readonly ActivitySource Source = new(SourceName, typeof(CampaignTracing).Assembly.GetName().Version?.ToString(3));

    /// <summary>A span context written as a W3C <c>traceparent</c>, or none.</summary>
    public static ActivityContext Parse(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, isRemote: true, out var context) ? context : default;

    /// <summary>
    /// A span under <paramref name="parent"/> only (a W3C <c>traceparent</c>), whatever span is current on this thread:
    /// an actor's thread may still hold the span of its previous message, which must not become the parent. The
    /// current span is left as it was (none, if it has ended meanwhile).
    /// </summary>
    public static Activity? StartUnder(string name, string? parent)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(name, ActivityKind.Internal, Parse(parent));
        Activity.Current = previous is { IsStopped: false } ? previous : null;
        return span;
    }

    /// <summary>The execution's span, under <paramref name="parent"/> (the request that started it, if it said).</summary>
    public static Activity? StartExecution(CampaignId campaign, string name, ExecutionId execution, ExecutionMode mode, string? parent)
    {
        var span = StartUnder("campaign.execution", parent);
        span?.SetTag("actorcampaigns.campaign.id", campaign.Value).SetTag("actorcampaigns.campaign.name", name)
            .SetTag("actorcampaigns.execution.id", execution.Value).SetTag("actorcampaigns.execution.mode", mode == ExecutionMode.Live ? "live" : "test");
        return span;
    }

    /// <summary>Ends an execution's span with its state and its activities' totals.</summary>
    public static void EndExecution(Activity span, ExecutionView execution)
    {
        span.SetTag("actorcampaigns.execution.state", execution.State.ToString().ToLowerInvariant())
            .SetTag("actorcampaigns.execution.activities", execution.Activities.Count);
        if (execution.State == ExecutionState.Failed || execution.Activities.Values.Any(a => a.State == ActivityState.Failed))
            span.SetStatus(ActivityStatusCode.Error, execution.Activities.Values.FirstOrDefault(a => a.Failure is not null)?.Failure);
        span.Stop();
    }

    /// <summary>Sets an activity run's counts on its span: profiles in, out by port, excluded, errors.</summary>
    public static void SetCounts(Activity span, ActivityCounts counts)
    {
        span.SetTag("actorcampaigns.activity.in", counts.In);
        foreach (var (port, count) in counts.Out)
            span.SetTag($"actorcampaigns.activity.out.{port}", count);
        span.SetTag("actorcampaigns.activity.excluded", counts.Excluded.Values.Sum()).SetTag("actorcampaigns.activity.errors", counts.Errors);
    }
}
