using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// A throwaway PostgreSQL server and three Node processes on loopback forming one cluster over it, started at once (as
/// a platform starts replicas): the first is the seed; the first two host campaigns and serve HTTP, the third is a
/// gateway only, reaching campaigns through a shard region proxy. Executions run whole here (<c>Engine:Partitions</c> 1),
/// so a failure moves a whole campaign; <see cref="ThreeCampaignNodes"/> splits them. Batches are
/// small (100 profiles), so a campaign's run spans many, and an unreachable member is downed after 3 s.
/// Each test class gets a cluster of its own.
/// </summary>
public class ThreeNodeCluster : IAsyncLifetime
{
    private readonly int _campaignNodes;
    private readonly int _batchSize;

    public ThreeNodeCluster() : this(campaignNodes: 2, batchSize: 100)
    {
    }

    protected ThreeNodeCluster(int campaignNodes, int batchSize)
    {
        (_campaignNodes, _batchSize) = (campaignNodes, batchSize);
    }

    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-cluster-").FullName;
    private TemporaryPostgres? _postgres;

    public IReadOnlyList<NodeProcess> Nodes { get; private set; } = [];

    /// <summary>Each node's Akka.Remote port, as its address in status (<c>node</c>) ends.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    public string ConnectionString { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        _postgres = await TemporaryPostgres.StartAsync();
        // The campaign nodes' pools as a node running 8 executions at once needs (72), the gateway's smaller: 180 of the
        // server's 200 connections. Three campaign nodes run 6 at once each, in pools of 60.
        ConnectionString = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString) { MaxPoolSize = _campaignNodes == 3 ? 60 : 80 }.ToString();
        var gatewayPool = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString) { MaxPoolSize = 20 }.ToString();
        Ports = Enumerable.Range(0, 3).Select(_ => LoopbackPorts.Free()).ToArray();
        var seed = $"akka.tcp://actorcampaigns@127.0.0.1:{Ports[0]}";
        (string, string)[] Settings(int i) =>
        [
            ("Postgres", i < _campaignNodes ? ConnectionString : gatewayPool), ("RemotingPort", Ports[i].ToString()), ("Cluster__Seeds__0", seed),
            ("BatchSize", _batchSize.ToString()), ("Cluster__DownUnreachableAfterSeconds", "3"), ("MaxRunningExecutions", _campaignNodes == 3 ? "6" : "8"),
            // Two campaign members run each execution whole (what moves on a failure is the campaign); three split it.
            ("Engine__Partitions", _campaignNodes == 3 ? "0" : "1"),
            .. i < _campaignNodes ? new[] { ("Cluster__Roles__0", "campaign"), ("Cluster__Roles__1", "gateway") } : [("Cluster__Roles__0", "gateway")],
            .. ExtraSettings,
        ];
        Nodes = await Task.WhenAll(Ports.Select((_, i) => NodeProcess.StartAsync(Path.Combine(_folder, $"node-{i + 1}"), Settings(i))));
        if (_campaignNodes == 3)
            await PartitionRegionsRegisteredAsync();
    }

    /// <summary>
    /// Waits until every campaign member's partition region has registered with the region's coordinator: partitions
    /// are placed only on registered regions, and a campaign published sooner would run on fewer members.
    /// </summary>
    private async Task PartitionRegionsRegisteredAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (status, body) = await Nodes[0].SendAsync(HttpMethod.Get, "/operator/sharding/campaign-partition/cluster");
            var registered = status == System.Net.HttpStatusCode.OK ? body.GetProperty("regions").GetArrayLength() : 0;
            if (registered == _campaignNodes)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{registered} of {_campaignNodes} partition regions registered after 60 s: {body}");
            await Task.Delay(250);
        }
    }

    /// <summary>Settings every node gets besides the cluster's own (a provider, say).</summary>
    protected virtual IEnumerable<(string, string)> ExtraSettings => [];

    /// <summary>The node whose address status gives as a campaign's <c>node</c>.</summary>
    public NodeProcess NodeAt(string address) => Nodes[Ports.ToList().FindIndex(port => address.EndsWith($":{port}", StringComparison.Ordinal))];

    /// <summary>Restarts the cluster's PostgreSQL (<c>pg_ctl restart -m fast</c>): every node's connections are ended under it.</summary>
    public Task RestartDatabaseAsync() => _postgres!.RestartAsync();

    /// <summary>The rows <paramref name="sql"/> selects, each as its columns' text.</summary>
    public async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
