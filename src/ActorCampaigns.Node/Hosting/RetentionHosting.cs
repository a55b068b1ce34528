using ActorCampaigns.Data;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Node.Gateway;
using ActorCampaigns.Node.Retention;
using Akka.Hosting;

namespace ActorCampaigns.Node.Hosting;

public static class RetentionHosting
{
    /// <summary>
    /// The retention cleaner (<c>ActorCampaigns:Retention</c>), on every node: each run, the node that takes the lock
    /// cleans. The journal's part is the campaigns' own (<see cref="CampaignEngineOptions.KeepSnapshotsFor"/>).
    /// </summary>
    public static void AddRetention(this WebApplicationBuilder builder, NodeOptions node, EngineServices services, Database database)
    {
        var options = node.Retention;
        if (options.BatchSize < 1)
            throw new InvalidOperationException($"ActorCampaigns:Retention:BatchSize is {options.BatchSize}; it must be at least 1");
        if (RetentionOptions.Enabled(options.Interval) is not { } interval)
            return;
        builder.Services.AddHostedService(provider =>
        {
            var region = provider.GetRequiredService<IRequiredActor<CampaignRegion>>();
            var cleaner = new RetentionCleaner(database, RetentionCleaner.Parts(options, services, database), options.BatchSize, services.Clock,
                (campaign, cancel) => CampaignEndpoints.StateAsync(region, campaign, cancel));
            return new RetentionService(cleaner, interval, services.Clock, provider.GetRequiredService<ILogger<RetentionService>>());
        });
    }
}
