using System.Data.Common;
using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/audiences/estimate</c>: how many profiles a buildAudience filter picks now (the console's estimate while a
/// filter is typed). Whatever is wrong with the filter is a 400 saying where; a database failure is a 500 whose details
/// go to the node's log only.
/// </summary>
public static class AudienceEstimates
{
    public static async Task<IResult> EstimateAsync(HttpRequest request, EngineServices services, ILogger<EngineServices> log, CancellationToken cancel)
    {
        var (text, unreadable) = await ReadFilterAsync(request, cancel);
        if (unreadable is not null)
            return unreadable;
        try
        {
            var schema = await services.Profiles.GetSchemaAsync(cancel);
            var (filter, error) = Expression.CheckFilter(text, BindingScope.ForProfiles(schema));
            if (error is not null)
                return Problems.Invalid($"the filter does not hold: {error}", [new { path = "$.filter", message = error.ToString(), column = error.Column }]);
            var count = await services.Profiles.CountAsync(filter, EvaluationContext.At(services.Clock.GetUtcNow().UtcDateTime), cancel);
            return Results.Ok(new { filter = text, count });
        }
        catch (DbException e) when (e.SqlState?.StartsWith("22", StringComparison.Ordinal) == true)
        {
            // PostgreSQL's data exceptions (a whole number beyond 64 bits, a float overflow) come from the filter meeting
            // the profiles' values: the filter is what to change.
            return Problems.Invalid("the filter cannot be evaluated on these profiles", [new { path = "$.filter", message = e.Message }]);
        }
        catch (DbException e)
        {
            log.LogError(e, "an audience estimate failed in the database");
            return Results.Problem(title: "the estimate failed in the database; the node's log has the details",
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>The body is <c>{ "filter": "..." }</c>; an absent or null filter keeps every profile.</summary>
    private static async Task<(string Filter, IResult? Problem)> ReadFilterAsync(HttpRequest request, CancellationToken cancel)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, "estimate request", cancel);
        if (body is null)
            return ("", problem);
        using (body)
        {
            if (body.RootElement.ValueKind != JsonValueKind.Object)
                return ("", Unreadable("$", "the body must be an object such as { \"filter\": \"country = 'FR'\" }"));
            if (!body.RootElement.TryGetProperty("filter", out var filter) || filter.ValueKind == JsonValueKind.Null)
                return ("", null);
            return filter.ValueKind == JsonValueKind.String
                ? (filter.GetString()!, null)
                : ("", Unreadable("$.filter", $"the filter must be a string, found {filter.ValueKind.ToString().ToLowerInvariant()}"));
        }
    }

    private static IResult Unreadable(string path, string message) =>
        Problems.Invalid("the estimate request cannot be read", [new { path, message }]);
}
