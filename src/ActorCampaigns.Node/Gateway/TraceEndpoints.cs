using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// Where an execution spent its time, as its campaign knows it: each activity's run from start to completion, slowest
/// first, with its counts, and the execution's trace id for a tracing backend (its spans: docs/reference/providers-and-node.md#traces).
/// </summary>
public static class TraceEndpoints
{
    public static void MapTraceEndpoints(this WebApplication app) => app.MapGroup("/api/campaigns").WithTags("campaigns")
        .MapGet("/{id}/trace", async (string id, string? execution, IRequiredActor<CampaignRegion> regionRef, CancellationToken cancel) =>
        {
            var state = await CampaignEndpoints.StateAsync(regionRef, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            var run = execution is null ? state.Executions.FirstOrDefault() : state.Executions.FirstOrDefault(e => e.Id.Value == execution);
            if (run is null || state.Document is not { } document)
                return Problems.NotFound(execution is null ? $"campaign '{id}' has no execution yet" : $"campaign '{id}' has no execution '{execution}'");
            return Results.Ok(new
            {
                id,
                execution = run.Id.Value,
                mode = run.Mode.ToString().ToLowerInvariant(),
                state = run.State.ToString().ToLowerInvariant(),
                startedAt = run.StartedAt,
                finishedAt = run.FinishedAt,
                traceId = Engine.Telemetry.CampaignTracing.Parse(run.Trace) is { } context && context != default ? context.TraceId.ToHexString() : null,
                activities = ActivityTimings.Of(document, run).Select(t => new
                {
                    id = t.Id,
                    kind = t.Kind,
                    state = t.State.ToString().ToLowerInvariant(),
                    from = t.From,
                    to = t.To,
                    seconds = t.Seconds,
                    estimated = t.Estimated,
                    @in = t.Counts.In,
                    @out = t.Counts.Out,
                }),
            });
        }).WithSummary("Where an execution spent its time (the latest, or ?execution=): each activity's run, slowest first, and its trace id")
        .Answers(StatusCodes.Status200OK, 404);
}
