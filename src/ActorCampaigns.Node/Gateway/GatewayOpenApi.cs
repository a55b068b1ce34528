using Microsoft.OpenApi;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// The node's OpenAPI document, served at <c>/openapi/v1.json</c> by <c>MapOpenApi()</c>: every endpoint the node maps,
/// with the summaries and tags given where it is mapped. The request bodies the gateway reads itself (campaign
/// documents, CSV) are described there too; their full shape is in docs/reference/.
/// </summary>
public static class GatewayOpenApi
{
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ActorCampaigns gateway",
                Version = "v1",
                Description = "Campaigns, profiles, audiences, feedback, reports and tracking of an ActorCampaigns node. " +
                              "Errors are application/problem+json with an errors list; when the node has API keys, /api/* needs " +
                              "Authorization: Bearer <key>.",
            };
            return Task.CompletedTask;
        }));

    /// <summary>What an endpoint answers, for the document: its success status and the problems (problem+json) it may give.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder endpoint, int success, params int[] problems)
    {
        endpoint.Produces(success);
        foreach (var status in problems)
            endpoint.ProducesProblem(status);
        return endpoint;
    }

    /// <summary>
    /// Describes the body an endpoint reads itself (so that a malformed one is answered with its path). Only the document
    /// says so: <c>Accepts</c> would also make routing refuse a request of another content type (curl's <c>-d</c> sends
    /// form content), which the gateway does not.
    /// </summary>
    public static RouteHandlerBuilder ReadsBody(this RouteHandlerBuilder endpoint, string contentType, string description, JsonSchemaType type = JsonSchemaType.Object) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [contentType] = new() { Schema = new OpenApiSchema { Type = type } },
                },
            };
            return Task.CompletedTask;
        });
}
