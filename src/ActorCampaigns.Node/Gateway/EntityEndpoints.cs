using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Executions;
using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>Entities besides profiles (bookings, subscriptions): imported as profiles are, each row linked to its profile.</summary>
public static class EntityEndpoints
{
    public static void MapEntityEndpoints(this WebApplication app)
    {
        app.MapPost("/api/entities/{name}/import", (string name, HttpRequest request, EngineServices services, CancellationToken cancel) =>
            CsvImports.ImportAsync(request, name, csv => services.Entities.ImportCsvAsync(name, csv, cancellationToken: cancel), cancel))
            .WithTags("entities").WithSummary("Imports an entity's rows from a CSV body, declaring the entity on its first import")
            .ReadsBody("text/csv", "UTF-8 CSV (RFC 4180), a header row with id, one column typed link(profiles) on the first import (profileId:link(profiles)), " +
                "then columns as name:type; one row per line", JsonSchemaType.String)
            .Answers(StatusCodes.Status200OK, 400, 413, 507);
        app.MapGet("/api/entities", async (EngineServices services, CancellationToken cancel) =>
        {
            var entities = new List<object>();
            foreach (var entity in await services.Entities.ListAsync(cancel))
            {
                var schema = await entity.Rows.GetSchemaAsync(cancel);
                entities.Add(new
                {
                    name = entity.Name,
                    link = entity.Link,
                    rows = await entity.Rows.CountAsync(null, new(DateTime.UtcNow, new Dictionary<string, object?>()), cancel),
                    columns = schema.Attributes.Select(a => new { name = a.Name, type = AttributeTypes.Name(a.Type) }),
                });
            }
            return Results.Ok(entities);
        }).WithTags("entities").WithSummary("Lists the entities with their link, rows and columns");
    }
}
