using System.Text.Json;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Node.Gateway;

/// <summary>What a campaign tells as it runs: its status live as Server-Sent Events, and its log lines.</summary>
public static class CampaignFeedEndpoints
{
    /// <summary>The gateway watches the campaign again this often, so the feed survives the campaign moving to another node.</summary>
    private static readonly TimeSpan RewatchEvery = TimeSpan.FromSeconds(10);

    public static void MapCampaignFeedEndpoints(this WebApplication app)
    {
        var campaigns = app.MapGroup("/api/campaigns").WithTags("campaigns");
        campaigns.MapGet("/{id}/events", async (string id, HttpContext http, ActorSystem system, IMaterializer materializer, IRequiredActor<CampaignRegion> regionRef, CancellationToken cancel) =>
        {
            if ((await CampaignEndpoints.StateAsync(regionRef, id, cancel)).Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            var region = await regionRef.GetAsync(cancel);
            await ServerSentEvents.BeginAsync(http.Response, cancel);

            // The latest state only: a slow client skips intermediate states rather than queueing them.
            var (watcher, states) = Source.ActorRef<CampaignState>(1, OverflowStrategy.DropHead).PreMaterialize(materializer);
            var watch = new CampaignQueries.Watch(new CampaignId(id), watcher);
            region.Tell(watch);
            var rewatch = system.Scheduler.ScheduleTellRepeatedlyCancelable(RewatchEvery, RewatchEvery, region, watch, ActorRefs.NoSender);
            await using var end = cancel.Register(() => watcher.Tell(new Status.Success(NotUsed.Instance)));
            long number = 0;
            string? last = null;
            try
            {
                // A state that reads as the last one sent (a rewatch answers with it again) is not sent again.
                var events = states
                    .Select(state => JsonSerializer.Serialize(CampaignStatusView.Of(state)))
                    .Where(json => json != last)
                    .Select(json => $"id: {++number}\nevent: status\ndata: {last = json}\n\n");
                await ServerSentEvents.StreamAsync(http.Response, events, materializer, cancel);
            }
            finally
            {
                rewatch.Cancel();
            }
            return Results.Empty;
        }).WithSummary("Streams the campaign's status as Server-Sent Events (event: status) while it changes")
            .Answers(StatusCodes.Status200OK, 404);
        campaigns.MapGet("/{id}/logs", async (string id, string? execution, IRequiredActor<CampaignRegion> regionRef, CancellationToken cancel) =>
        {
            var state = await CampaignEndpoints.StateAsync(regionRef, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            var lines = (state.Log ?? []).Where(l => execution is null || l.Execution == execution);
            return Results.Ok(new
            {
                id,
                lines = lines.Select(l => new
                {
                    at = l.At,
                    level = l.Level.ToString().ToLowerInvariant(),
                    execution = l.Execution,
                    activity = l.Activity,
                    message = l.Message,
                }),
            });
        }).WithSummary("Gets the campaign's log lines, of one execution with ?execution=").Answers(StatusCodes.Status200OK, 404);
    }
}
