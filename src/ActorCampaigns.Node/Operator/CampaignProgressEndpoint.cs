using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Node.Gateway;
using Akka.Hosting;

namespace ActorCampaigns.Node.Operator;

/// <summary>
/// Every campaign with where it runs and how far its latest execution has got: activities done, running and failed,
/// profiles that entered the canvas and messages sent so far (<c>acctl campaign list</c>).
/// </summary>
public static class CampaignProgressEndpoint
{
    public static void MapCampaignProgressEndpoint(this RouteGroupBuilder group) =>
        group.MapGet("/campaigns", async (string? status, CampaignIndex index, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var listed = await index.ListAsync(500, cancel);
            var states = await Task.WhenAll(listed.Select(c => CampaignEndpoints.StateAsync(region, c.Id, cancel)));
            return Results.Ok(new
            {
                campaigns = states
                    .Where(s => status is null || CampaignState.Name(s.Status) == status)
                    .Select(Progress),
            });
        });

    private static object Progress(CampaignState state)
    {
        var latest = state.Executions.FirstOrDefault();
        var figures = latest is null ? null : ExecutionFigures.Of(state.Document, latest);
        return new
        {
            id = state.Id.Value,
            name = state.Document?.Name,
            status = CampaignState.Name(state.Status),
            node = state.Node,
            executions = state.Executions.Count,
            latest = latest is null ? null : new
            {
                id = latest.Id.Value,
                mode = latest.Mode.ToString().ToLowerInvariant(),
                state = latest.State.ToString().ToLowerInvariant(),
                startedAt = latest.StartedAt,
                finishedAt = latest.FinishedAt,
                activities = figures!.Activities,
                done = figures.Done,
                running = figures.Running,
                failed = figures.Failed,
                entered = figures.Profiles,
                sent = figures.Sent,
            },
        };
    }
}
