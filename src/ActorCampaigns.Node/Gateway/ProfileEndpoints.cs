using System.Text;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Engine.Executions;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

public static class ProfileEndpoints
{
    public static void MapAudienceEndpoints(this WebApplication app)
    {
        app.MapGet("/api/audiences", async (EngineServices services, CancellationToken cancel) =>
            Results.Ok((await services.Audiences.ListAsync(cancel)).Select(a => new { name = a.Name, size = a.Size, savedAt = a.SavedAt })))
            .WithTags("audiences").WithSummary("Lists the saved audiences with their sizes");
        app.MapPost("/api/audiences/estimate", AudienceEstimates.EstimateAsync)
            .WithTags("audiences").WithSummary("Counts the profiles a buildAudience filter picks now")
            .ReadsBody("application/json", "{ \"filter\": \"an expression\" }; no filter counts every profile")
            .Answers(StatusCodes.Status200OK, 400, 500);
    }

    public static void MapProfileEndpoints(this WebApplication app)
    {
        app.MapPost("/api/profiles/import", (HttpRequest request, EngineServices services, CancellationToken cancel) =>
            CsvImports.ImportAsync(request, "profiles", csv => services.Profiles.ImportCsvAsync(csv, cancellationToken: cancel), cancel)
        ).WithTags("profiles").WithSummary("Imports profiles from a CSV body (header row required), updating those already there")
            .ReadsBody("text/csv", "UTF-8 CSV (RFC 4180), a header row of attribute names (name:type for custom attributes), one profile per line", JsonSchemaType.String)
            .Answers(StatusCodes.Status200OK, 400, 413, 507);
        app.MapGet("/api/profiles/{id:long}", async (long id, EngineServices services, CancellationToken cancel) =>
            await services.Profiles.GetProfileAsync(id, cancel) is { } profile ? Results.Ok(profile) : Problems.NotFound($"no profile {id}"))
            .WithTags("profiles").WithSummary("Gets one profile's attributes").Answers(StatusCodes.Status200OK, 404);
    }
}
