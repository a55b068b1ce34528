using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Node.Gateway;

public static class ProfileEndpoints
{
    public static void MapAudienceEndpoints(this WebApplication app)
    {
        app.MapGet("/api/audiences", async (EngineServices services, CancellationToken cancel) =>
            Results.Ok((await services.Audiences.ListAsync(cancel)).Select(a => new { name = a.Name, size = a.Size, savedAt = a.SavedAt })));
        // How many profiles a buildAudience filter picks now (the console's estimate while a filter is typed).
        app.MapPost("/api/audiences/estimate", async (AudienceEstimate request, EngineServices services, CancellationToken cancel) =>
        {
            var schema = await services.Profiles.GetSchemaAsync(cancel);
            var (filter, error) = Expression.CheckFilter(request.Filter ?? "", BindingScope.ForProfiles(schema));
            if (error is not null)
                return Problems.Invalid($"the filter does not hold: {error}", [new { path = "$.filter", message = error.ToString(), column = error.Column }]);
            var count = await services.Profiles.CountAsync(filter, EvaluationContext.At(services.Clock.GetUtcNow().UtcDateTime), cancel);
            return Results.Ok(new { filter = request.Filter, count });
        });
    }

    public sealed record AudienceEstimate(string? Filter);

    public static void MapProfileEndpoints(this WebApplication app)
    {
        app.MapPost("/api/profiles/import", async (HttpRequest request, EngineServices services, CancellationToken cancel) =>
        {
            // The CSV reader reads synchronously; the body is spooled to a temporary file first, asynchronously.
            var spool = Path.GetTempFileName();
            try
            {
                await using (var file = File.Create(spool))
                    await request.Body.CopyToAsync(file, cancel);
                await using var csv = File.OpenRead(spool);
                var summary = await services.Profiles.ImportCsvAsync(csv, cancellationToken: cancel);
                return Results.Ok(new
                {
                    imported = summary.Imported,
                    updated = summary.Updated,
                    rejected = summary.Rejected,
                    errors = summary.Errors.Select(e => new { line = e.Line, reason = e.Reason }),
                });
            }
            catch (ImportRefusedException refused)
            {
                return Problems.Invalid("the CSV file was refused", [new { message = refused.Message }]);
            }
            finally
            {
                File.Delete(spool);
            }
        });
        app.MapGet("/api/profiles/{id:long}", async (long id, EngineServices services, CancellationToken cancel) =>
            await services.Profiles.GetProfileAsync(id, cancel) is { } profile ? Results.Ok(profile) : Problems.NotFound($"no profile {id}"));
    }
}
