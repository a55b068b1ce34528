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
            Results.Ok(new
            {
                campaigns = (await CampaignSummaries.ListAsync(index, region, cancel))
                    .Where(s => status is null || s.Status == status)
                    .Select(Progress),
            }));

    private static object Progress(CampaignSummary summary) => new
    {
        id = summary.Id,
        name = summary.Name,
        status = summary.Status,
        node = summary.Node,
        executions = summary.Executions,
        latest = summary.Latest is not { } latest ? null : new
        {
            id = latest.Id,
            mode = latest.Mode,
            state = latest.State,
            startedAt = latest.StartedAt,
            finishedAt = latest.FinishedAt,
            activities = latest.Figures.Activities,
            done = latest.Figures.Done,
            running = latest.Figures.Running,
            failed = latest.Figures.Failed,
            entered = latest.Figures.Profiles,
            sent = latest.Figures.Sent,
        },
    };
}
