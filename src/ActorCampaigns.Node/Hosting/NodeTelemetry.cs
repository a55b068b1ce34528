using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Telemetry;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ActorCampaigns.Node.Hosting;

/// <summary>
/// The node's telemetry. Its metrics (<see cref="NodeOptions.Metrics"/>): its own instruments (<see cref="CampaignMetrics"/>), ASP.NET
/// Core's, HTTP clients' and the runtime's, served at <c>/metrics</c> in Prometheus' text format and pushed by OTLP
/// when a collector is named, with the node's traces (<see cref="CampaignTracing"/>); plus the gauges read from the cluster (<see cref="ClusterGauges"/>).
/// </summary>
public static class NodeTelemetry
{
    public static WebApplicationBuilder AddNodeTelemetry(this WebApplicationBuilder builder, NodeOptions node)
    {
        var collector = node.Otlp.Endpoint is { } endpoint ? new Uri(endpoint) : null;
        if (!node.Metrics && collector is null)
            return builder;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("actorcampaigns", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        // Over HTTP each signal has its path under the collector's address; gRPC takes the address as it is.
        Action<OtlpExporterOptions> Otlp(string signal) => otlp =>
        {
            var http = node.Otlp.Protocol == "http";
            otlp.Endpoint = http ? new Uri(collector!, $"{collector!.AbsolutePath.TrimEnd('/')}/v1/{signal}") : collector!;
            otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        };
        if (node.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(CampaignMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Each scrape reads the figures as they are (the exporter's default answers up to 300 ms old ones).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (collector is not null)
                    metrics.AddOtlpExporter(Otlp("metrics"));
            });
            builder.Services.AddHostedService<ClusterGauges>();
            builder.Services.AddHostedService(provider => new FeedbackQueueGauge(provider.GetRequiredService<FeedbackWriter>()));
        }
        // Traces go to the collector, when one is named: an execution, its activities, their batches and the providers'
        // calls, under the request that started it. Not the tracking hits, scrapes and probes (millions, and no one's
        // command), and HTTP calls only as a provider's (a webhook message's post).
        if (collector is not null)
            telemetry.WithTracing(tracing => tracing.AddSource(CampaignTracing.SourceName)
                .AddAspNetCoreInstrumentation(http => http.Filter = context => context.Request.Path.StartsWithSegments("/api")
                    || context.Request.Path.StartsWithSegments("/operator"))
                // The filter runs with the HTTP client's own span current: its parent is the provider call's.
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = _ =>
                    System.Diagnostics.Activity.Current?.Parent?.Source == CampaignTracing.Source)
                .AddOtlpExporter(Otlp("traces")));
        return builder;
    }

    /// <summary><c>/metrics</c>, when the node keeps metrics; guarded as the operator endpoint is.</summary>
    public static WebApplication MapMetrics(this WebApplication app, NodeOptions node)
    {
        if (node.Metrics)
            app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

/// <summary>
/// The cluster as this node sees it, read when metrics are collected: members by status and those unreachable; and,
/// looked up every few seconds (asking the region takes a round trip), the campaign shards and actors it hosts.
/// </summary>
public sealed class ClusterGauges(ActorSystem system, ActorRegistry registry) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private volatile CurrentShardRegionState? _hosted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var cluster = Cluster.Get(system);
        CampaignMetrics.ClusterMembers.Register(this, () => cluster.State.Members.GroupBy(m => m.Status)
            .Select(g => new System.Diagnostics.Metrics.Measurement<long>(g.Count(), new KeyValuePair<string, object?>("status", g.Key.ToString().ToLowerInvariant()))));
        CampaignMetrics.ClusterUnreachable.Register(this, () => cluster.State.Unreachable.Count);
        CampaignMetrics.Shards.Register(this, () => _hosted?.Shards.Count ?? 0);
        CampaignMetrics.Entities.Register(this, () => _hosted?.Shards.Sum(s => (long)s.EntityIds.Count) ?? 0);
        try
        {
            using var timer = new PeriodicTimer(Every);
            do
            {
                // A proxy (a node without the campaign role) hosts none.
                if (registry.TryGet<CampaignRegion>(out var region))
                {
                    try
                    {
                        _hosted = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Every, stoppingToken);
                    }
                    catch (AskTimeoutException)
                    {
                        // Busy: the last figures stand until the next look.
                    }
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            CampaignMetrics.ClusterMembers.Forget(this);
            CampaignMetrics.ClusterUnreachable.Forget(this);
            CampaignMetrics.Shards.Forget(this);
            CampaignMetrics.Entities.Forget(this);
        }
    }
}

/// <summary>The feedback and tracking events taken and not yet written, read when metrics are collected.</summary>
public sealed class FeedbackQueueGauge(FeedbackWriter feedback) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        CampaignMetrics.FeedbackQueueDepth.Register(this, () => feedback.Queued);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        CampaignMetrics.FeedbackQueueDepth.Forget(this);
        return Task.CompletedTask;
    }
}
