using ActorCampaigns.Node;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// No Docker engine runs here: the files of <c>cluster-config/</c> and <c>docker/</c> are checked by reading them as
/// the node and compose would, against what the cluster tests run.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ActorCampaigns.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("ActorCampaigns.sln not found above the test's folder");
    }

    private static NodeOptions Settings(string file) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Root, "cluster-config", file), optional: false).Build()
        .GetSection(NodeOptions.Section).Get<NodeOptions>()!;

    private static YamlMappingNode Compose()
    {
        using var reader = File.OpenText(Path.Combine(Root, "docker", "compose.yaml"));
        var yaml = new YamlStream();
        yaml.Load(new MergingParser(new Parser(reader)));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static string Text(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;

    private static List<string> List(YamlNode node, string key) =>
        ((YamlSequenceNode)((YamlMappingNode)node)[key]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [Theory]
    [InlineData("seed.json", "node1", new[] { "campaign", "gateway" })]
    [InlineData("worker.json", "node2", new[] { "campaign" })]
    [InlineData("gateway.json", "node3", new[] { "gateway" })]
    public void Each_cluster_file_gives_a_node_its_roles_the_shared_seed_and_postgres(string file, string host, string[] roles)
    {
        var node = Settings(file);
        Assert.Equal((host, 4053), (node.Cluster.Hostname, node.RemotingPort));
        Assert.Equal(roles, node.Cluster.RolesTaken);
        Assert.Equal(["akka.tcp://actorcampaigns@node1:4053"], node.Cluster.Seeds);
        Assert.Contains("Host=postgres", node.Postgres);
        Assert.Empty(Settings("single-node.json").Cluster.Seeds);
        Assert.Null(Settings("single-node.json").Postgres);
    }

    [Fact]
    public async Task A_node_refuses_a_connection_pool_too_small_for_the_executions_it_runs_at_once()
    {
        foreach (var file in new[] { "seed.json", "worker.json", "gateway.json", "single-node.json" })
            Assert.Null(Settings(file).WhyPoolTooSmall()); // a gateway runs no executions: its small pool is enough
        Assert.Null(new NodeOptions { Postgres = "Host=db", MaxRunningExecutions = 8 }.WhyPoolTooSmall()); // Npgsql's default pool: 100
        var folder = Directory.CreateTempSubdirectory("actorcampaigns-pool-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                NodeProcess.StartAsync(folder, ("Postgres", "Host=127.0.0.1;Maximum Pool Size=20"), ("MaxRunningExecutions", "8")));
            Assert.Contains("error: ActorCampaigns:Postgres allows 20 connections (Maximum Pool Size), and a node running 8 executions at once " +
                "(ActorCampaigns:MaxRunningExecutions) needs 72: each execution holds up to 8 at its peak", refused.Message);
            Assert.Contains("exited with 2", refused.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_compose_file_runs_three_nodes_of_those_files_on_postgres_with_an_smtp_sink_and_health_checks()
    {
        var services = Map(Compose(), "services");
        Assert.Equal(["postgres", "smtp", "node1", "node2", "node3", "prometheus", "grafana"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal(["CMD", "pg_isready"], List(Map(Map(services, "postgres"), "healthcheck"), "test").Take(2));
        foreach (var (name, file) in new[] { ("node1", "seed.json"), ("node2", "worker.json"), ("node3", "gateway.json") })
        {
            var service = Map(services, name);
            var command = List(service, "command");
            Assert.Equal(["--config", $"/cluster-config/{file}"], command.Take(2));
            Assert.Equal(Settings(file).Cluster.Hostname, Text(Map(service, "environment"), "ActorCampaigns__Cluster__Hostname"));
            Assert.Equal(name, Text(Map(service, "environment"), "ActorCampaigns__Cluster__Hostname"));
            Assert.Contains("Host=postgres", Text(Map(service, "environment"), "ActorCampaigns__Postgres"));
            Assert.Equal("smtp", Text(Map(service, "environment"), "ActorCampaigns__Smtp__Host"));
            Assert.Contains("http://localhost:5080/health/ready", List(Map(service, "healthcheck"), "test"));
            Assert.Equal("service_healthy", Text(Map(Map(service, "depends_on"), "postgres"), "condition"));
            Assert.Equal("docker/Dockerfile", Text(Map(service, "build"), "dockerfile"));
        }
    }

    [Fact]
    public void Prometheus_scrapes_every_node_with_the_operator_key_they_hold_and_grafana_is_provisioned_with_it()
    {
        var services = Map(Compose(), "services");
        var keys = new[] { "node1", "node2", "node3" }.Select(n => Text(Map(Map(services, n), "environment"), "ActorCampaigns__OperatorKeys__0")).Distinct().ToList();
        var key = Assert.Single(keys);
        using var reader = File.OpenText(Path.Combine(Root, "docker", "prometheus", "prometheus.yml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        var job = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["scrape_configs"]).Children.Single();
        Assert.Equal("/metrics", Text(job, "metrics_path"));
        Assert.Equal(("Bearer", key), (Text(Map(job, "authorization"), "type"), Text(Map(job, "authorization"), "credentials")));
        var targets = List((YamlMappingNode)((YamlSequenceNode)job["static_configs"]).Children.Single(), "targets");
        // Each node, at the port its command listens on.
        Assert.Equal(new[] { "node1", "node2", "node3" }.Select(n => $"{n}:{new Uri(List(Map(services, n), "command")[^1].Replace("0.0.0.0", "host")).Port}"), targets);
        var prometheus = Map(services, "prometheus");
        Assert.Contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", List(prometheus, "volumes"));
        var grafana = Map(services, "grafana");
        Assert.Contains("./grafana/provisioning:/etc/grafana/provisioning:ro", List(grafana, "volumes"));
        Assert.Contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro", List(grafana, "volumes"));
        var datasource = File.ReadAllText(Path.Combine(Root, "docker", "grafana", "provisioning", "datasources", "prometheus.yaml"));
        Assert.Contains("url: http://prometheus:9090", datasource);
        Assert.Contains("uid: prometheus", datasource);
    }

    [Fact]
    public void The_dashboard_draws_only_series_the_node_exposes()
    {
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docker", "grafana", "dashboards", "actorcampaigns.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)).ToList();
        Assert.True(expressions.Count >= 12, $"{expressions.Count} series");
        var exposed = PrometheusNames();
        var named = expressions.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, "actorcampaigns_[a-z_]+").Select(m => m.Value)).Distinct().ToList();
        Assert.All(named, name => Assert.True(exposed.Contains(name), $"the dashboard draws {name}, which the node does not expose ({string.Join(", ", exposed.Order())})"));
        // The issue's key series: cluster health, throughput per channel, errors, latency.
        foreach (var series in new[] { "actorcampaigns_cluster_members", "actorcampaigns_messages_total", "actorcampaigns_provider_duration_seconds_bucket",
                     "actorcampaigns_executions_waiting" })
            Assert.Contains(series, named);
    }

    /// <summary>
    /// The series names the node's instruments take in Prometheus' text format, as its exporter writes them: dots to
    /// underscores, the unit as a suffix (s: seconds, By: bytes; {…}: none), counters ending in _total, histograms in
    /// _bucket, _sum and _count.
    /// </summary>
    private static HashSet<string> PrometheusNames()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(ActorCampaigns.Engine.Telemetry.CampaignMetrics).TypeHandle);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != ActorCampaigns.Engine.Telemetry.CampaignMetrics.MeterName)
                return;
            var name = instrument.Name.Replace('.', '_') + instrument.Unit switch { "s" => "_seconds", "By" => "_bytes", _ => "" };
            var type = instrument.GetType().GetGenericTypeDefinition();
            if (type == typeof(System.Diagnostics.Metrics.Counter<>))
                names.Add(name + "_total");
            else if (type == typeof(System.Diagnostics.Metrics.Histogram<>))
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            else
                names.Add(name);
        };
        listener.Start();
        return names;
    }

    [Fact]
    public void The_readme_gives_every_retention_setting_with_the_node_s_default()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "cluster-config", "README.md"));
        var defaults = new ActorCampaigns.Node.Retention.RetentionOptions();
        foreach (var setting in typeof(ActorCampaigns.Node.Retention.RetentionOptions).GetProperties())
            Assert.Contains($"`Retention:{setting.Name}` (default `{setting.GetValue(defaults)}`)", readme);
    }

    [Fact]
    public void The_image_runs_the_node_as_the_tests_do_and_ships_the_cluster_files()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docker", "Dockerfile"));
        var entrypoint = lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        // NodeProcess, which every node test and the cluster tests use, runs: dotnet <the node's assembly> ...
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{Path.GetFileName(typeof(NodeOptions).Assembly.Location)}\"]", entrypoint);
        var published = lines.Where(l => l.Contains("dotnet publish", StringComparison.Ordinal))
            .Select(l => l.Split(' ').Single(w => w.EndsWith(".csproj", StringComparison.Ordinal))).ToList();
        Assert.Equal(["src/ActorCampaigns.Node/ActorCampaigns.Node.csproj", "src/ActorCampaigns.Cli/ActorCampaigns.Cli.csproj"], published);
        Assert.All(published, project => Assert.True(File.Exists(Path.Combine(Root, project)), project));
        // acctl in the image runs the assembly the Cli project builds.
        Assert.Contains(lines, l => l.Contains($"exec dotnet /acctl/{Path.GetFileName(typeof(ActorCampaigns.Cli.Acctl).Assembly.Location)}", StringComparison.Ordinal));
        Assert.Contains("COPY cluster-config /cluster-config", lines);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", lines.First(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
    }
}
