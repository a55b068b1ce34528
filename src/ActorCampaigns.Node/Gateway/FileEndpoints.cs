using System.Text;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Executions;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>Files attached to campaigns for their loadFile activities, and the lines a load rejected.</summary>
public static class FileEndpoints
{
    public static void MapFileEndpoints(this WebApplication app)
    {
        var campaigns = app.MapGroup("/api/campaigns").WithTags("files");
        campaigns.MapPut("/{id}/files/{name}", async (string id, string name, HttpRequest request, EngineServices services, CampaignFileOptions options,
            IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            if (!LoadFileKind.FileName().IsMatch(name))
                return Problems.Invalid("not a file name", [new { path = "name", message = $"'{name}' is not a file name: letters, digits, '.', '_' and '-', from a letter or digit, at most 100" }]);
            if (request.ContentLength > options.MaxBytes)
                return TooLarge(options.MaxBytes);
            if ((await CampaignEndpoints.StateAsync(region, id, cancel)).Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxBytes + 1;
            try
            {
                var file = await services.Files.PutAsync(id, name, request.Body, options.MaxBytes, services.Clock.GetUtcNow(), cancel);
                return Results.Ok(new { name = file.Name, size = file.Size, sha256 = file.Sha256, storedAt = file.StoredAt });
            }
            catch (FileTooLargeException)
            {
                return TooLarge(options.MaxBytes);
            }
        }).WithSummary("Attaches a file to the campaign (a CSV or JSON-lines file its loadFile activities read), replacing one of that name")
            .ReadsBody("application/octet-stream", "The file as it is", JsonSchemaType.String)
            .Answers(StatusCodes.Status200OK, 400, 404, 413);
        campaigns.MapGet("/{id}/files", async (string id, EngineServices services, CancellationToken cancel) =>
            Results.Ok((await services.Files.ListAsync(id, cancel)).Select(f => new { name = f.Name, size = f.Size, sha256 = f.Sha256, storedAt = f.StoredAt })))
            .WithSummary("Lists the files attached to the campaign");
        campaigns.MapGet("/{id}/executions/{execution}/activities/{activity}/rejects", async (string id, string execution, string activity,
            EngineServices services, HttpResponse response, CancellationToken cancel) =>
        {
            var load = new ExecutionActivity(id, execution, activity);
            if (!await services.Loaded.ExistsAsync(load, cancel))
            {
                await Problems.NotFound($"no load by activity '{activity}' in execution '{execution}' of campaign '{id}'").ExecuteAsync(response.HttpContext);
                return;
            }
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = "attachment; filename=\"rejects.csv\"";
            await response.WriteAsync("line,reason\n", cancel);
            await foreach (var reject in services.Loaded.RejectsAsync(load, cancel))
                await response.WriteAsync($"{reject.Line},{Quoted(reject.Reason)}\n", cancel);
        }).WithSummary("The lines a loadFile activity rejected in an execution, as CSV: line number and reason").Answers(StatusCodes.Status200OK, 404);
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(title: $"the file is larger than {maxBytes:N0} bytes (ActorCampaigns__Files__MaxBytes)",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { path = "$", message = $"larger than {maxBytes:N0} bytes; nothing was stored" } } });

    private static string Quoted(string text) => '"' + text.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
