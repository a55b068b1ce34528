using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Node.Gateway;

/// <summary>The campaign endpoints of contract section 5: documents, lifecycle and status.</summary>
public static class CampaignEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    public static void MapCampaignEndpoints(this WebApplication app)
    {
        var campaigns = app.MapGroup("/api/campaigns");
        campaigns.MapPost("/", async (HttpRequest request, EngineServices services, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (document, problem) = await ReadDocumentAsync(request, services, cancel);
            if (problem is not null)
                return problem;
            var id = new CampaignId($"c-{Guid.NewGuid():N}"[..14]);
            return await AskAsync(region, new Create(id, document!), cancel, accepted =>
                Results.Created($"/api/campaigns/{id}", new { id = id.Value, status = CampaignState.Name(accepted.Status) }));
        });
        campaigns.MapPut("/{id}", async (string id, HttpRequest request, EngineServices services, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (document, problem) = await ReadDocumentAsync(request, services, cancel);
            return problem ?? await AskAsync(region, new Replace(new CampaignId(id), document!), cancel, Accepted);
        });
        campaigns.MapGet("/{id}", async (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var state = await StateAsync(region, id, cancel);
            return state.Status == CampaignStatus.None
                ? Problems.NotFound($"no campaign '{id}'")
                : Results.Json(new { id, status = CampaignState.Name(state.Status), document = state.Document }, CampaignJson.Options);
        });
        campaigns.MapGet("/{id}/status", async (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var state = await StateAsync(region, id, cancel);
            return state.Status == CampaignStatus.None ? Problems.NotFound($"no campaign '{id}'") : Results.Json(CampaignStatusView.Of(state));
        });
        campaigns.MapPost("/{id}/test", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            AskAsync(region, new StartTest(new CampaignId(id)), cancel, Accepted));
        campaigns.MapPost("/{id}/publish", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            AskAsync(region, new Publish(new CampaignId(id)), cancel, Accepted));
        campaigns.MapPost("/{id}/pause", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            AskAsync(region, new Pause(new CampaignId(id)), cancel, Accepted));
        campaigns.MapPost("/{id}/resume", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            AskAsync(region, new Resume(new CampaignId(id)), cancel, Accepted));
        campaigns.MapPost("/{id}/stop", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            AskAsync(region, new Stop(new CampaignId(id)), cancel, Accepted));
    }

    private static IResult Accepted(CampaignReplies.Accepted accepted) =>
        Results.Ok(new { id = accepted.Id.Value, status = CampaignState.Name(accepted.Status), execution = accepted.Execution?.Value });

    private static async Task<(CampaignDocument? Document, IResult? Problem)> ReadDocumentAsync(HttpRequest request, EngineServices services, CancellationToken cancel)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(cancel);
        var result = CampaignValidator.Validate(json, await services.Profiles.GetSchemaAsync(cancel));
        return result.IsValid ? (result.Document, null) : (null, Problems.Validation(result.Errors));
    }

    private static async Task<CampaignState> StateAsync(IRequiredActor<CampaignRegion> region, string id, CancellationToken cancel) =>
        await (await region.GetAsync(cancel)).Ask<CampaignState>(new CampaignQueries.GetState(new CampaignId(id)), AskTimeout, cancel);

    private static async Task<IResult> AskAsync(IRequiredActor<CampaignRegion> region, ICampaignCommand command, CancellationToken cancel,
        Func<CampaignReplies.Accepted, IResult> onAccepted)
    {
        var reply = await (await region.GetAsync(cancel)).Ask<object>(command, AskTimeout, cancel);
        return reply switch
        {
            CampaignReplies.Accepted accepted => onAccepted(accepted),
            CampaignReplies.Rejected rejected => Problems.Rejected(rejected),
            _ => Results.Problem($"unexpected reply {reply.GetType().Name}", statusCode: 500),
        };
    }
}
