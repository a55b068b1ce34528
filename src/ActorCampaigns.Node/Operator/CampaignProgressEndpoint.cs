using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Domain.Campaigns;
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
        var activities = state.Document?.Activities ?? [];
        var views = activities.Select(a => (Activity: a, View: latest?.Activities.GetValueOrDefault(a.Id))).ToList();
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
                activities = activities.Count,
                done = views.Count(v => v.View?.State is ActivityState.Completed or ActivityState.Skipped or ActivityState.Held),
                running = views.Where(v => v.View?.State is ActivityState.Running or ActivityState.Waiting).Select(v => v.Activity.Id),
                failed = views.Where(v => v.View?.State is ActivityState.Failed).Select(v => v.Activity.Id),
                entered = views.Where(v => v.Activity is BuildAudience or ReadAudience).Sum(v => v.View?.Counts.Out.Values.Sum() ?? 0),
                sent = views.Where(v => v.Activity is ChannelActivity).Sum(v => v.View?.Counts.Out.GetValueOrDefault("out") ?? 0),
            },
        };
    }
}
