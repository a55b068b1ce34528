using ActorCampaigns.Data;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Node;
using ActorCampaigns.Node.Demo;
using ActorCampaigns.Node.Gateway;
using Akka.Hosting;

var builder = WebApplication.CreateBuilder(NodeCommandLine.Normalize(args));
if (builder.Configuration["config"] is { } configFile)
    builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
var node = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
builder.Configuration[$"{NodeOptions.Section}:DataDir"] ??= node.DataDir;
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = node.MaxRequestBytes);
if (builder.Configuration["urls"] is null)
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

var (services, index) = await NodeStores.OpenAsync(node);
builder.Services.AddSingleton(node);
builder.Services.AddSingleton(services);
builder.Services.AddSingleton(index);
builder.Services.AddAkka("actorcampaigns", (akka, _) => akka
    .AddOneNodeCluster(node.RemotingPort)
    .AddCampaignJournalOnSqlite(Path.Combine(node.DataDir, "journal.db"))
    .AddCampaignEngine(new CampaignEngineOptions(), services));

var app = builder.Build();
app.UseApiKeys(node);
app.MapHealth();
app.MapProfileEndpoints();
app.MapAudienceEndpoints();
app.MapCampaignEndpoints();
app.MapCampaignFeedEndpoints();
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
await app.RunAsync();

/// <summary>Opens the node's stores under its data dir, creating what is missing.</summary>
internal static class NodeStores
{
    public static async Task<(EngineServices Services, CampaignIndex Index)> OpenAsync(NodeOptions node)
    {
        var database = new SqliteDatabase(Path.Combine(node.DataDir, "data.db"));
        var index = new CampaignIndex(database);
        await index.InitializeAsync();
        return (await EngineServices.OpenAsync(database, Path.Combine(node.DataDir, "outbox"), TimeProvider.System, node.BatchSize), index);
    }
}
