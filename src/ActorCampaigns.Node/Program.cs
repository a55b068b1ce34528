using ActorCampaigns.Data;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Smtp;
using ActorCampaigns.Channels.Webhook;
using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Node;
using ActorCampaigns.Node.Demo;
using ActorCampaigns.Node.Gateway;
using ActorCampaigns.Node.Operator;
using ActorCampaigns.Node.Testing;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;

// The node's appsettings.json is read from beside its binaries, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = NodeCommandLine.Normalize(args), ContentRootPath = AppContext.BaseDirectory });
if (builder.Configuration["config"] is { } configFile)
{
    // A settings file (cluster-config/*.json) gives a node its part; the environment and the command line still
    // override any of its settings (a container sets its host name and connection string there).
    builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
    builder.Configuration.AddEnvironmentVariables();
    builder.Configuration.AddCommandLine(NodeCommandLine.Normalize(args));
}
var node = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
builder.Configuration[$"{NodeOptions.Section}:DataDir"] ??= node.DataDir;
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = node.MaxRequestBytes;
    kestrel.AddServerHeader = false;
});
if (builder.Configuration["urls"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

var publicBaseUrl = new Uri(node.Tracking.PublicBaseUrl ?? (builder.Configuration["urls"] ?? "http://127.0.0.1:5080").Split(';')[0]);
var clock = node.ClockControl ? new AdjustableClock() : null;
if (node.WhyPoolTooSmall() is { } tooSmall)
{
    Console.Error.WriteLine($"error: {tooSmall}");
    return 2;
}
Database database = node.Postgres is { } connectionString
    ? new PostgresDatabase(connectionString)
    : new SqliteDatabase(Path.Combine(node.DataDir, "data.db"));
var (services, index) = await NodeStores.OpenAsync(node, database, publicBaseUrl, clock ?? TimeProvider.System);
// Nodes starting at once against an empty PostgreSQL take turns to let their journal create its tables.
var journalSchemaLock = database is PostgresDatabase postgres ? await postgres.LockJournalSchemaAsync() : null;
builder.AddOperatorEndpoint();
builder.Services.AddGatewayOpenApi();
builder.Services.AddSingleton(node);
// One materializer for the node's live feeds (a materializer per request, disposed after it, broke the next feed).
builder.Services.AddSingleton<IMaterializer>(provider => provider.GetRequiredService<ActorSystem>().Materializer(namePrefix: "feeds"));
builder.Services.AddSingleton(services);
builder.Services.AddSingleton(index);
builder.Services.AddSingleton(services.Tracking!);
// Each committed batch of feedback tells its campaigns, whose live counters then read it (the region is up by the
// time the first request records anything).
builder.Services.AddSingleton(provider => new FeedbackWriter(services.Feedback, campaigns =>
{
    var region = provider.GetRequiredService<IRequiredActor<CampaignRegion>>().ActorRef;
    foreach (var campaign in campaigns)
        region.Tell(new CampaignQueries.FeedbackArrived(new CampaignId(campaign)));
}, failed => provider.GetRequiredService<ILogger<FeedbackWriter>>().LogError(failed, "writing a batch of feedback events failed; it is tried again")));
builder.Services.AddAkka("actorcampaigns", (akka, _) =>
{
    // Akka's log lines go through .NET logging: on the console as before, and kept for the operator's log peek.
    akka.ConfigureLoggers(loggers =>
    {
        loggers.ClearLoggers();
        loggers.AddLoggerFactory();
    });
    var inCluster = node.Cluster.Seeds.Count > 0;
    if (inCluster)
        akka.AddClusterMember(node.Cluster.Hostname, node.RemotingPort, node.Cluster.Seeds, node.Cluster.RolesTaken,
            TimeSpan.FromSeconds(node.Cluster.DownUnreachableAfterSeconds));
    else
        akka.AddOneNodeCluster(node.RemotingPort);
    if (node.Postgres is { } connectionString)
        akka.AddCampaignJournalOnPostgres(connectionString).WhenJournalReady(async () => await journalSchemaLock!.DisposeAsync());
    else
        akka.AddCampaignJournalOnSqlite(Path.Combine(node.DataDir, "journal.db"));
    // ActorCampaigns:Engine:PassivateIdleAfter and the engine's other settings; the role follows the node's part.
    var engine = builder.Configuration.GetSection($"{NodeOptions.Section}:Engine").Get<CampaignEngineOptions>() ?? new CampaignEngineOptions();
    engine.Role = inCluster ? "campaign" : null;
    akka.AddCampaignEngine(engine, services,
        hostsCampaigns: !inCluster || node.Cluster.RolesTaken.Contains("campaign"));
});

var app = builder.Build();
app.UseApiKeys(node);
app.UseUnansweredAsks();
// The web console (wwwroot): static files, no CDN, working offline.
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapLiveness();
app.MapHealth();
app.MapProfileEndpoints();
app.MapAudienceEndpoints();
app.MapCampaignEndpoints();
app.MapCampaignFeedEndpoints();
app.MapTrackingEndpoints();
app.MapFeedbackEndpoints();
app.MapReportEndpoints();
app.MapOpenApi();
app.MapOperatorEndpoint(node);
if (clock is not null)
    app.MapClockControl(clock);
if (app.Configuration.GetValue<bool>("demo"))
{
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
}
// Taken before running: the host disposes its services as it stops (on SIGTERM, or once the actor system has
// terminated, e.g. downed by the split-brain resolver).
var feedback = app.Services.GetRequiredService<FeedbackWriter>();
await app.RunAsync();
// The host has stopped taking requests: write the feedback still queued, then close the providers' connections.
await feedback.DisposeAsync();
foreach (var sender in services.Senders?.Values ?? [])
{
    if (sender is IAsyncDisposable asynchronous)
        await asynchronous.DisposeAsync();
    else if (sender is IDisposable disposable)
        disposable.Dispose();
}
return 0;

/// <summary>Opens the node's stores under its data dir, creating what is missing.</summary>
internal static class NodeStores
{
    public static async Task<(EngineServices Services, CampaignIndex Index)> OpenAsync(NodeOptions node, Database database, Uri publicBaseUrl,
        TimeProvider clock)
    {
        var index = new CampaignIndex(database);
        await index.InitializeAsync();
        var tracking = new LinkTracking(publicBaseUrl, await TrackingTokensAsync(node.Tracking, database, clock));
        var services = await EngineServices.OpenAsync(database, Path.Combine(node.DataDir, "outbox"), clock, node.BatchSize, tracking: tracking,
            senders: await SendersAsync(node, database));
        services = services with { Slots = new ExecutionSlots.Settings(Math.Max(1, node.MaxRunningExecutions), IdleNode.ReleaseMemory), Rendering = node.Rendering, Index = index };
        return (node.FrequencyCapMessages is { } messages
            ? services with { Cap = new FrequencyCap(messages, TimeSpan.FromDays(node.FrequencyCapDays)) }
            : services, index);
    }

    /// <summary>
    /// The providers that send one by one, by channel, from the node's settings. The others use the outbox: files under
    /// the data dir for one node, the <c>outbox_messages</c> table of a cluster's PostgreSQL.
    /// </summary>
    private static async Task<Dictionary<string, IMessageSender>> SendersAsync(NodeOptions node, Database database)
    {
        var senders = new Dictionary<string, IMessageSender>();
        if (Chosen("EmailProvider", node.EmailProvider, "smtp"))
            senders["email"] = new SmtpProvider(node.Smtp);
        if (Chosen("SmsProvider", node.SmsProvider, "webhook"))
            senders["sms"] = new WebhookProvider(node.SmsWebhook);
        if (Chosen("PushProvider", node.PushProvider, "webhook"))
            senders["push"] = new WebhookProvider(node.PushWebhook);
        if (database is PostgresDatabase postgres)
        {
            await OutboxTable.InitializeAsync(postgres);
            foreach (var channel in new[] { "email", "sms", "push" }.Where(c => !senders.ContainsKey(c)))
                senders[channel] = new OutboxTable(postgres, channel);
        }
        return senders;
    }

    private static bool Chosen(string setting, string value, string provider) => value switch
    {
        "outbox" => false,
        _ when value == provider => true,
        _ => throw new InvalidOperationException($"ActorCampaigns:{setting} is '{value}'; it must be outbox or {provider}"),
    };

    private static async Task<TrackingTokens> TrackingTokensAsync(TrackingOptions options, Database database, TimeProvider clock)
    {
        var lifetime = TimeSpan.FromDays(options.TokenLifetimeDays);
        if (options.Keys.Count == 0)
            return new TrackingTokens(new Dictionary<string, byte[]> { ["node"] = await new NodeSecrets(database).GetOrCreateAsync("tracking-key", 32) },
                "node", lifetime, clock);
        var keys = options.Keys.ToDictionary(k => k.Key, k => Base64Key(k.Key, k.Value));
        var current = options.CurrentKey ?? (keys.Count == 1 ? keys.Keys.Single()
            : throw new InvalidOperationException("several tracking keys are configured: name the one to sign with in ActorCampaigns:Tracking:CurrentKey"));
        return new TrackingTokens(keys, current, lifetime, clock);
    }

    private static byte[] Base64Key(string id, string value)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"tracking key '{id}' (ActorCampaigns:Tracking:Keys:{id}) is not base64");
        }
    }
}
