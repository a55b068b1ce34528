using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Node.Demo;
using ActorCampaigns.Node.Gateway;
using ActorCampaigns.Node.Operator;
using ActorCampaigns.Node.Testing;

namespace ActorCampaigns.Node.Hosting;

/// <summary>What the node serves, and how it stops.</summary>
public static class NodeApplication
{
    /// <summary>The HTTP gateway: its keys, health, profiles, audiences, campaigns and their feeds, tracking, feedback, reports, its OpenAPI document.</summary>
    public static WebApplication MapGateway(this WebApplication app, NodeOptions node)
    {
        app.UseAudit(node, app.Services.GetRequiredService<ActorCampaigns.Data.Audit.AuditLog>(), app.Services.GetRequiredService<EngineServices>().Clock);
        app.UseApiKeys(node);
        app.UseUnansweredAsks();
        app.MapLiveness();
        app.MapHealth();
        app.MapProfileEndpoints();
        app.MapEntityEndpoints();
        app.MapFileEndpoints();
        app.MapAudienceEndpoints();
        app.MapCampaignEndpoints();
        app.MapExperimentEndpoints();
        app.MapCampaignFeedEndpoints();
        app.MapTrackingEndpoints();
        app.MapFeedbackEndpoints();
        app.MapEventsEndpoints();
        app.MapReportEndpoints();
        app.MapAuditEndpoints();
        app.MapVersionEndpoints();
        app.MapTraceEndpoints();
        app.MapOpenApi();
        return app;
    }

    /// <summary>The web console (wwwroot): static files, no CDN, working offline.</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    /// <summary>The operator endpoint (acctl), and for tests only, a clock they can move.</summary>
    public static WebApplication MapOperator(this WebApplication app, NodeOptions node, AdjustableClock? clock)
    {
        app.MapOperatorEndpoint(node);
        if (clock is not null)
            app.MapClockControl(clock);
        return app;
    }

    /// <summary>With <c>--demo</c>: sample profiles and a campaign running, once the node has started.</summary>
    public static WebApplication RunDemoWhenAsked(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("demo"))
            return app;
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await ActivatorUtilities.CreateInstance<DemoRun>(app.Services, Console.Out).RunAsync(app.Lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"demo failed: {e.Message}");
            }
        }));
        return app;
    }

    /// <summary>Runs until the node stops, then writes the feedback and conversion events still queued and closes the providers' connections.</summary>
    public static async Task RunNodeAsync(this WebApplication app)
    {
        // Taken before running: the host disposes its services as it stops (on SIGTERM, or once the actor system has
        // terminated, e.g. downed by the split-brain resolver).
        var feedback = app.Services.GetRequiredService<FeedbackWriter>();
        var conversions = app.Services.GetRequiredService<ActorCampaigns.Data.Conversions.ConversionWriter>();
        var services = app.Services.GetRequiredService<EngineServices>();
        await app.RunAsync();
        await feedback.DisposeAsync();
        await conversions.DisposeAsync();
        await DeliveryProviders.CloseAsync(services.Senders?.Values ?? []);
    }
}
