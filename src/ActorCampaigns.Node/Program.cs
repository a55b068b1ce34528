using ActorCampaigns.Node;
using ActorCampaigns.Node.Gateway;
using ActorCampaigns.Node.Hosting;
using ActorCampaigns.Node.Operator;
using ActorCampaigns.Node.Testing;

// The node's appsettings.json is read from beside its binaries, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = NodeCommandLine.Normalize(args), ContentRootPath = AppContext.BaseDirectory });
var node = builder.AddNodeOptions(args);
if (node.WhyPoolTooSmall() is { } tooSmall)
{
    Console.Error.WriteLine($"error: {tooSmall}");
    return 2;
}
var clock = node.ClockControl ? new AdjustableClock() : null;
var (services, database) = await builder.AddCampaignStoresAsync(node, clock ?? TimeProvider.System);
await builder.AddCampaignEngineAsync(node, services, database);
builder.AddRetention(node, services, database);
builder.AddOperatorEndpoint();
builder.Services.AddGatewayOpenApi();
builder.AddNodeTelemetry(node);

var app = builder.Build();
app.MapConsole()
    .MapGateway(node)
    .MapOperator(node, clock)
    .MapMetrics(node)
    .RunDemoWhenAsked();
await app.RunNodeAsync();
return 0;
