using System.Diagnostics;
using ActorCampaigns.LoadTest.Postgres;
using Npgsql;

namespace ActorCampaigns.Cli.Tests;

/// <summary><c>cluster leave</c>, <c>join</c> and <c>down</c> on a real cluster of two Node processes sharing PostgreSQL.</summary>
public sealed class MembershipTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-acctl-cluster-").FullName;
    private readonly List<NodeProcess> _nodes = [];
    private TemporaryPostgres? _postgres;

    public async Task InitializeAsync() => _postgres = await TemporaryPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(NodeProcess Node, int Port)> StartAsync(string name, string seed, int? port = null, string readyPath = "/health/ready")
    {
        var remoting = port ?? LoopbackPorts.Free();
        var node = await NodeProcess.StartAsync(Path.Combine(_folder, name), [], readyPath,
            // Four executions at once are plenty here, and keep the nodes' pools within the server's connections.
            ("Postgres", new NpgsqlConnectionStringBuilder(_postgres!.ConnectionString) { MaxPoolSize = 45 }.ToString()), ("MaxRunningExecutions", "4"),
            ("RemotingPort", remoting.ToString()), ("Cluster__Seeds__0", $"akka.tcp://actorcampaigns@127.0.0.1:{seed}"),
            ("Cluster__DownUnreachableAfterSeconds", "3"));
        _nodes.Add(node);
        return (node, remoting);
    }

    private static string Address(NodeProcess node) => node.Http.BaseAddress!.Authority;

    private static async Task<string> ShowAsync(NodeProcess node)
    {
        var result = await AcctlProcess.RunAsync(Address(node), "cluster", "show");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out;
    }

    /// <summary>Polls <c>cluster show</c> until the members listed are exactly <paramref name="ports"/>, all Up.</summary>
    private static async Task AwaitMembersAsync(NodeProcess node, params int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var shown = "";
        while (DateTime.UtcNow < deadline)
        {
            shown = await ShowAsync(node);
            var rows = shown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            if (rows.Count == ports.Length && ports.All(p => rows.Any(r => r.Contains($"@127.0.0.1:{p} ") && r.Contains(" Up "))))
                return;
            await Task.Delay(500);
        }
        throw new TimeoutException($"members were not {string.Join(", ", ports)} within 60 s:\n{shown}");
    }

    private static async Task<int?> ExitCodeAsync(NodeProcess node) => await node.ExitCodeWithinAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_member_leaves_another_joins_and_is_downed_each_through_acctl()
    {
        var seedPort = LoopbackPorts.Free();
        var (seed, _) = await StartAsync("seed", seedPort.ToString(), seedPort);
        var (leaving, leavingPort) = await StartAsync("leaving", seedPort.ToString());
        await AwaitMembersAsync(seed, seedPort, leavingPort);
        using var tail = AcctlProcess.Start(Address(seed), "cluster", "tail");
        // The tail has subscribed once it shows the current members (both up); what happens next, it sees.
        var seen = new System.Text.StringBuilder();
        while (System.Text.RegularExpressions.Regex.Matches(seen.ToString(), @"\bup\b").Count < 2)
            seen.AppendLine(await tail.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        // leave without an address: the node asked leaves, hands over and stops.
        var left = await AcctlProcess.RunAsync(Address(leaving), "cluster", "leave");
        Assert.Equal($"akka.tcp://actorcampaigns@127.0.0.1:{leavingPort}: leaving\n", left.Out);
        Assert.Equal(0, await ExitCodeAsync(leaving));
        await AwaitMembersAsync(seed, seedPort);

        // A node whose seed does not answer is alive but in no cluster, until it is told to join one.
        var (late, latePort) = await StartAsync("late", LoopbackPorts.Free().ToString(), readyPath: "/health/live");
        var joined = await AcctlProcess.RunAsync(Address(late), "cluster", "join", $"127.0.0.1:{seedPort}");
        Assert.True(joined.ExitCode == 0, joined.ToString());
        Assert.Equal($"akka.tcp://actorcampaigns@127.0.0.1:{seedPort}: joining\n", joined.Out);
        await AwaitMembersAsync(seed, seedPort, latePort);

        // down from the other member: the downed node is removed and its process stops.
        var downed = await AcctlProcess.RunAsync(Address(seed), "cluster", "down", $"127.0.0.1:{latePort}");
        Assert.True(downed.ExitCode == 0, downed.ToString());
        Assert.Equal($"akka.tcp://actorcampaigns@127.0.0.1:{latePort}: marked down\n", downed.Out);
        Assert.NotNull(await ExitCodeAsync(late));
        await AwaitMembersAsync(seed, seedPort);

        // The tail on the seed saw it all happen.
        using (var interrupt = Process.Start("kill", ["-INT", tail.Id.ToString()]))
            await interrupt.WaitForExitAsync();
        Assert.True(tail.WaitForExit(10_000));
        seen.Append(await tail.StandardOutput.ReadToEndAsync());
        Assert.Matches($@"left\s+akka\.tcp://actorcampaigns@127\.0\.0\.1:{leavingPort}\s+Leaving", seen.ToString());
        Assert.Matches($@"removed\s+akka\.tcp://actorcampaigns@127\.0\.0\.1:{leavingPort}", seen.ToString());
        Assert.Matches($@"up\s+akka\.tcp://actorcampaigns@127\.0\.0\.1:{latePort}\s+Up", seen.ToString());
        Assert.Matches($@"removed\s+akka\.tcp://actorcampaigns@127\.0\.0\.1:{latePort}", seen.ToString());
    }
}
