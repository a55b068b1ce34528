using System.Collections.Immutable;
using ActorCampaigns.Domain.Campaigns;
using System.Text.Json;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>The status document of contract section 5, built from a campaign's state.</summary>
public static class CampaignStatusView
{
    /// <param name="quotas">The campaign's activities waiting for their provider's quota now (channel, since when), when the node has quotas.</param>
    public static object Of(CampaignState state, IReadOnlyDictionary<string, (string Channel, DateTimeOffset Since)>? quotas = null) => new
    {
        id = state.Id.Value,
        name = state.Document?.Name,
        status = CampaignState.Name(state.Status),
        node = state.Node,
        executions = state.Executions.Select(e => new
        {
            id = e.Id.Value,
            mode = e.Mode.ToString().ToLowerInvariant(),
            state = e.State.ToString().ToLowerInvariant(),
            startedAt = e.StartedAt,
            finishedAt = e.FinishedAt,
            // The ids that split the execution into partitions, when it runs partitioned.
            partitions = e.Partitions,
            activities = state.Document!.Activities.ToDictionary(a => a.Id, a =>
            {
                var view = e.Activities.GetValueOrDefault(a.Id) ?? ActivityView.Pending;
                return new
                {
                    state = view.State.ToString().ToLowerInvariant(),
                    @in = view.Counts.In,
                    @out = a.OutputPorts.ToDictionary(p => p, p => view.Counts.Out.GetValueOrDefault(p)),
                    excluded = view.Counts.Excluded,
                    errors = view.Counts.Errors,
                    failure = view.Failure,
                    completedAt = view.CompletedAt,
                    // A waiting activity: when it runs again, and for a channel how many messages wait for their time.
                    later = view.Later is { } later ? new { until = later.Until, messages = later.Messages } : null,
                    // A channel of a running execution whose next messages wait for the provider's quota (shared by every campaign).
                    quota = e.State == ExecutionState.Running && quotas?.GetValueOrDefault(a.Id) is { Channel: not null } asking
                        ? new { channel = asking.Channel, waitingSince = asking.Since.UtcDateTime } : null,
                    feedback = a is ChannelActivity ? view.Feedback ?? ImmutableSortedDictionary<string, long>.Empty : null,
                    // An experiment: when it decides, while it waits; then its decision with every arm's figures.
                    decidesAt = a is ExperimentActivity waiting ? ExperimentFigures.DueAt(state.Document, e, waiting) : null,
                    decision = a is ExperimentActivity && view.Decision is { } decision ? JsonDocument.Parse(decision).RootElement.Clone() : (JsonElement?)null,
                    // In a partitioned execution, an activity run per partition: where each runs and what it counted.
                    partitions = view.Partitions?.Values.Select(p => new
                    {
                        id = p.Id,
                        node = p.Node,
                        state = p.State.ToString().ToLowerInvariant(),
                        @in = p.Counts.In,
                        @out = a.OutputPorts.ToDictionary(port => port, port => p.Counts.Out.GetValueOrDefault(port)),
                        excluded = p.Counts.Excluded,
                        errors = p.Counts.Errors,
                    }),
                };
            }),
        }),
    };
}
