using System.Security.Cryptography;
using System.Text;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

public static class NodeEndpoints
{
    /// <summary>Live as soon as the node serves HTTP, joined to a cluster or not (a platform's liveness probe).</summary>
    public static void MapLiveness(this WebApplication app) =>
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }))
            .WithTags("health").WithSummary("Answers 200 as soon as the node serves HTTP");

    /// <summary>Ready when this node is an Up member of its cluster and the campaign region is running.</summary>
    public static void MapHealth(this WebApplication app) =>
        app.MapGet("/health/ready", (ActorSystem system, ActorRegistry registry) =>
            Cluster.Get(system).SelfMember.Status == MemberStatus.Up && registry.TryGet<CampaignRegion>(out _)
                ? Results.Ok(new { status = "ready" })
                : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("health").WithSummary("Answers 200 once the node is an Up cluster member with its campaign region, 503 before");

    /// <summary>
    /// When API keys are configured, every /api/* request needs <c>Authorization: Bearer &lt;key&gt;</c> with one of
    /// them or an operator key (an operator may do what a gateway client does).
    /// </summary>
    public static void UseApiKeys(this WebApplication app, NodeOptions node)
    {
        if (node.ApiKeys.Count == 0)
            return;
        var keys = BearerKeys.Of(node.ApiKeys.Concat(node.OperatorKeys));
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api") && !keys.Admit(context.Request))
            {
                await Results.Problem(title: "a valid bearer key is required", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}

/// <summary>Keys a request may present as <c>Authorization: Bearer &lt;key&gt;</c>, compared in constant time.</summary>
public sealed class BearerKeys
{
    private readonly List<byte[]> _keys;

    private BearerKeys(List<byte[]> keys) => _keys = keys;

    public static BearerKeys Of(IEnumerable<string> keys) => new(keys.Select(k => Encoding.UTF8.GetBytes(k)).ToList());

    public bool Admit(HttpRequest request)
    {
        var given = Presented(request) is { } key ? Encoding.UTF8.GetBytes(key) : [];
        return _keys.Any(k => CryptographicOperations.FixedTimeEquals(k, given));
    }

    /// <summary>The key a request presents as <c>Authorization: Bearer &lt;key&gt;</c>, if any.</summary>
    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
    }
}
