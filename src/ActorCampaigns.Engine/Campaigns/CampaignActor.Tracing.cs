using System.Diagnostics;
using ActorCampaigns.Engine.Telemetry;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// The spans of the campaign's executions (<see cref="CampaignTracing"/>): each started as its execution is decided, its
/// context kept in the execution's event, and ended when the execution ends. A campaign actor that stops meanwhile
/// (passivated during a wait, its node leaving) ends the span it holds, marked so; the execution's activities go on
/// under the context kept.
/// </summary>
public sealed partial class CampaignActor
{
    private readonly Dictionary<ExecutionId, Activity> _executionSpans = [];

    /// <summary>The events to persist, an execution started with its span's context.</summary>
    private IReadOnlyList<ICampaignEvent> Traced(IReadOnlyList<ICampaignEvent> events, ICampaignCommand command)
    {
        if (!events.Any(e => e is CampaignEvents.ExecutionStarted))
            return events;
        var parent = command switch
        {
            CampaignCommands.Publish publish => publish.Trace,
            CampaignCommands.StartTest test => test.Trace,
            CampaignCommands.Trigger trigger => trigger.Trace,
            _ => null,
        };
        return events.Select(e =>
        {
            if (e is not CampaignEvents.ExecutionStarted started)
                return e;
            var span = CampaignTracing.StartExecution(_state.Id, _state.Document?.Name ?? "", started.Execution, started.Mode, parent);
            if (span is null)
                return e;
            _executionSpans[started.Execution] = span;
            return started with { Trace = span.Id };
        }).ToList();
    }

    /// <summary>Ends the spans of executions that ended: completed, stopped, or a test run failed (a live one failed is suspended, and goes on when resumed).</summary>
    private void EndExecutionSpans()
    {
        foreach (var (id, span) in _executionSpans.ToList())
        {
            if (_state.Execution(id) is { IsActive: false } or { Mode: ExecutionMode.Test, State: ExecutionState.Failed } && _state.Execution(id) is { } execution)
            {
                CampaignTracing.EndExecution(span, execution);
                _executionSpans.Remove(id);
            }
        }
    }

    /// <summary>The actor stops while executions go on: their spans end here, saying so.</summary>
    private void EndExecutionSpansOnStop()
    {
        foreach (var span in _executionSpans.Values)
        {
            span.SetTag("actorcampaigns.execution.state", "running").SetTag("actorcampaigns.campaign.actor.stopped", true);
            span.Stop();
        }
        _executionSpans.Clear();
    }
}
