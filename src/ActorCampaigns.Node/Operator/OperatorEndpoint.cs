using ActorCampaigns.Node.Gateway;

namespace ActorCampaigns.Node.Operator;

/// <summary>
/// The operator endpoint of each node (/operator/*), served to <c>acctl</c>: cluster membership, sharding, the actor
/// hierarchy, campaigns in progress and recent log lines.
/// </summary>
public static class OperatorEndpoint
{
    /// <summary>Keeps the node's recent log lines for <c>log peek</c>.</summary>
    public static WebApplicationBuilder AddOperatorEndpoint(this WebApplicationBuilder builder)
    {
        var logs = new RecentLogs(capacity: 2_000);
        builder.Services.AddSingleton(logs);
        builder.Logging.AddProvider(logs);
        // One line per entry on the console too, Akka's included, as operators grep them.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        return builder;
    }

    public static WebApplication MapOperatorEndpoint(this WebApplication app, NodeOptions node)
    {
        app.UseOperatorAccess(node);
        var group = app.MapGroup("/operator").WithTags("operator");
        group.MapClusterEndpoints();
        group.MapShardingEndpoints();
        group.MapActorHierarchyEndpoint();
        group.MapCampaignProgressEndpoint();
        group.MapLogEndpoint();
        return app;
    }

    /// <summary>
    /// With operator keys, /operator/* (and /metrics, /api/audit) needs one of them; without, it answers loopback requests only, so a
    /// node listening on a public address does not hand cluster control (or its figures) to anyone who reaches it.
    /// </summary>
    private static void UseOperatorAccess(this WebApplication app, NodeOptions node)
    {
        var keys = BearerKeys.Of(node.OperatorKeys);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/operator") || context.Request.Path.StartsWithSegments("/metrics")
                || context.Request.Path.StartsWithSegments("/api/audit"))
            {
                var remote = context.Connection.RemoteIpAddress;
                if (node.OperatorKeys.Count > 0 && !keys.Admit(context.Request))
                {
                    await Results.Problem(title: "a valid operator key is required (acctl --key, or ACCTL_KEY)",
                        statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
                    return;
                }
                // A request relayed by a proxy on this machine comes from loopback too: a forwarding header gives it away.
                var local = remote is null || (System.Net.IPAddress.IsLoopback(remote) && !context.Request.Headers.ContainsKey("X-Forwarded-For")
                                                                                       && !context.Request.Headers.ContainsKey("Forwarded"));
                if (node.OperatorKeys.Count == 0 && !local)
                {
                    await Results.Problem(title: "the operator endpoint answers this machine only; set ActorCampaigns:OperatorKeys to reach it from elsewhere",
                        statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
    }
}
