using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Data.Conversions;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;

namespace ActorCampaigns.Node.Hosting;

/// <summary>The node's stores: opened under its data dir (or on its PostgreSQL), created where missing, and given to the services.</summary>
public static class CampaignStores
{
    public static async Task<(EngineServices Services, Database Database)> AddCampaignStoresAsync(this WebApplicationBuilder builder, NodeOptions node,
        TimeProvider clock)
    {
        Database database = node.Postgres is { } connectionString
            ? new PostgresDatabase(connectionString)
            : new SqliteDatabase(Path.Combine(node.DataDir, "data.db"));
        var index = new CampaignIndex(database);
        await index.InitializeAsync();
        var tracking = new LinkTracking(builder.PublicBaseUrl(node), await TrackingKeys.TokensAsync(node.Tracking, database, clock));
        var services = await EngineServices.OpenAsync(database, Path.Combine(node.DataDir, "outbox"), clock, node.BatchSize, tracking: tracking,
            senders: await DeliveryProviders.OpenAsync(node, database));
        services = services with { Slots = new ExecutionSlots.Settings(Math.Max(1, node.MaxRunningExecutions), IdleNode.ReleaseMemory), Rendering = node.Rendering, Index = index };
        if (node.GlobalControlGroup.Percent != 0)
            services = services with { GlobalControl = new GlobalControlGroup(node.GlobalControlGroup.Percent, node.GlobalControlGroup.Seed) };
        services = services with
        {
            TimeZone = QuietHoursOptions.Zone("ActorCampaigns:TimeZone", node.TimeZone),
            Quotas = ByChannel("Providers", node.Providers, (channel, options) => options.Quota is null ? null
                : ProviderQuota.TryParse(options.Quota, out var quota, out var error) ? quota
                : throw new InvalidOperationException($"ActorCampaigns:Providers:{channel}:Quota: {error}")),
            QuietHours = ByChannel("QuietHours", node.QuietHours, (channel, options) => options.Window(channel)),
            FilesFolder = Path.GetFullPath(node.Files.Folder ?? Path.Combine(node.DataDir, "files")),
        };
        if (node.Files.MaxBytes <= 0)
            throw new InvalidOperationException($"ActorCampaigns:Files:MaxBytes: {node.Files.MaxBytes} is no size: give the largest file campaigns may attach, in bytes");
        builder.Services.AddSingleton(node.Files);
        if (node.FrequencyCapMessages is { } messages)
            services = services with { Cap = new FrequencyCap(messages, TimeSpan.FromDays(node.FrequencyCapDays)) };

        builder.Services.AddSingleton(services);
        if (node.Approvals.AudienceThreshold is { } threshold && (threshold < 0 || node.ApiKeys.Count == 0))
            throw new InvalidOperationException(threshold < 0
                ? $"ActorCampaigns:Approvals:AudienceThreshold: {threshold} is no number of messages: give 0 or more, or no threshold"
                : "ActorCampaigns:Approvals:AudienceThreshold: approvals need ApiKeys (who approves must be told from who asks); set ApiKeys, or no threshold");
        var approvals = new PublishApprovals(database);
        await approvals.InitializeAsync();
        builder.Services.AddSingleton(approvals);
        var proofs = new ProofLog(database);
        await proofs.InitializeAsync();
        builder.Services.AddSingleton(proofs);
        var versions = new CampaignVersions(database);
        await versions.InitializeAsync();
        builder.Services.AddSingleton(versions);
        var audit = new ActorCampaigns.Data.Audit.AuditLog(database);
        await audit.InitializeAsync();
        builder.Services.AddSingleton(audit);
        builder.Services.AddSingleton(node.Proofs);
        builder.Services.AddSingleton(node.Approvals);
        builder.Services.AddSingleton(new Gateway.PublishEndpoints.PublishKey(await new NodeSecrets(database).GetOrCreateAsync("publish-key", 32)));
        builder.Services.AddSingleton(index);
        builder.Services.AddSingleton(tracking);
        // Each committed batch of feedback tells its campaigns, whose live counters then read it (the region is up by
        // the time the first request records anything).
        if (!double.IsFinite(node.Tracking.MachineOpenSeconds) || node.Tracking.MachineOpenSeconds is < 0 or > 3600)
            throw new InvalidOperationException($"ActorCampaigns:Tracking:MachineOpenSeconds is {node.Tracking.MachineOpenSeconds}: " +
                "give the seconds after a send within which an open is a machine's, from 0 (off) to 3600");
        var machines = new MachineFeedback(services.Ledger, TimeSpan.FromSeconds(node.Tracking.MachineOpenSeconds));
        builder.Services.AddSingleton(new MachineAgents(node.Tracking.MachineUserAgents ?? [.. MachineAgents.Known]));
        builder.Services.AddSingleton(provider => new FeedbackWriter(services.Feedback, machines, campaigns =>
        {
            var region = provider.GetRequiredService<IRequiredActor<CampaignRegion>>().ActorRef;
            foreach (var campaign in campaigns)
                region.Tell(new CampaignQueries.FeedbackArrived(new CampaignId(campaign)));
        }, failed => provider.GetRequiredService<ILogger<FeedbackWriter>>().LogError(failed, "writing a batch of feedback events failed; it is tried again"),
            unjudged => provider.GetRequiredService<ILogger<FeedbackWriter>>().LogWarning(unjudged,
                "the clicks of a batch of feedback events could not be judged for link scanners; they count as people's")));
        builder.Services.AddSingleton(provider => new ConversionWriter(services.Conversions,
            failed => provider.GetRequiredService<ILogger<ConversionWriter>>().LogError(failed, "writing a batch of conversion events failed; it is tried again")));
        return (services, database);
    }

    /// <summary>
    /// A setting per channel (section <c>ActorCampaigns:{section}:Email</c>, <c>:Sms</c>, <c>:Push</c>) read by
    /// <paramref name="read"/> (null: none for that channel), by channel name; a setting that is wrong stops the node
    /// with its path and why.
    /// </summary>
    private static Dictionary<string, T> ByChannel<TOptions, T>(string section, Dictionary<string, TOptions> settings, Func<string, TOptions, T?> read)
        where T : class
    {
        var channels = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (channel, options) in settings)
        {
            var name = channel.ToLowerInvariant();
            if (name is not ("email" or "sms" or "push"))
                throw new InvalidOperationException($"ActorCampaigns:{section}:{channel}: '{channel}' is not a channel (Email, Sms or Push)");
            if (read(channel, options) is { } value)
                channels[name] = value;
        }
        return channels;
    }
}
