using System.Security.Cryptography;
using System.Text;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

public static class NodeEndpoints
{
    /// <summary>Ready when this node is an Up member of its cluster and the campaign region is running.</summary>
    public static void MapHealth(this WebApplication app) =>
        app.MapGet("/health/ready", (ActorSystem system, ActorRegistry registry) =>
            Cluster.Get(system).SelfMember.Status == MemberStatus.Up && registry.TryGet<CampaignRegion>(out _)
                ? Results.Ok(new { status = "ready" })
                : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable));

    /// <summary>When keys are configured, every /api/* request needs <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public static void UseApiKeys(this WebApplication app, NodeOptions node)
    {
        if (node.ApiKeys.Count == 0)
            return;
        var keys = node.ApiKeys.Select(k => Encoding.UTF8.GetBytes(k)).ToList();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                var header = context.Request.Headers.Authorization.ToString();
                var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(header[7..]) : [];
                if (!keys.Any(k => CryptographicOperations.FixedTimeEquals(k, given)))
                {
                    await Results.Problem(title: "a valid bearer key is required", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
    }
}
