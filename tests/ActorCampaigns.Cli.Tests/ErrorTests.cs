using System.Net;
using System.Net.Sockets;

namespace ActorCampaigns.Cli.Tests;

/// <summary>Every way an operator can get it wrong ends in one line on stderr, nothing on stdout, and a non-zero exit code.</summary>
public sealed class ErrorTests(OneNode node) : IClassFixture<OneNode>
{
    private static void OneLine(AcctlResult result, int exitCode, string says)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(says, result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_wrong_address_says_no_node_answers_there() =>
        OneLine(await AcctlProcess.RunAsync($"127.0.0.1:{LoopbackPorts.Free()}", "cluster", "show"), 3, "cannot reach a node at 127.0.0.1:");

    [Fact]
    public async Task A_web_server_that_is_not_a_node_is_named_as_such()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            var request = new byte[4096];
            var read = 0;
            while (!System.Text.Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                read += await stream.ReadAsync(request.AsMemory(read));
            await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot here."u8.ToArray());
        });
        OneLine(await AcctlProcess.RunAsync($"127.0.0.1:{port}", "cluster", "show"), 1, $"the service at 127.0.0.1:{port} is not an ActorCampaigns node (it answered 404 text/html)");
        await serving;
    }

    [Fact]
    public async Task Something_that_is_not_an_address_is_a_usage_error() =>
        OneLine(await AcctlProcess.RunAsync("not an address", "cluster", "show"), 2, "'not an address' is not a node address");

    [Fact]
    public async Task A_wrong_key_or_none_is_refused()
    {
        OneLine(await AcctlProcess.RunAsync(node.Address, "cluster", "show", "--key", "wrong"), 4, "a valid operator key is required");
        OneLine(await AcctlProcess.RunAsync(node.Address, "campaign", "list"), 4, "a valid operator key is required");
        // The API key opens the gateway API, not the operator endpoint.
        OneLine(await AcctlProcess.RunAsync(node.Address, "cluster", "leader", "--key", "an-api-key"), 4, "operator key");
    }

    [Fact]
    public async Task Unknown_palettes_commands_and_options_and_bad_arguments_are_usage_errors()
    {
        OneLine(await node.AcctlAsync("clutser", "show"), 2, "unknown palette 'clutser' (palettes: cluster, actor, log, campaign, profiles, entities, audiences, audit)");
        OneLine(await node.AcctlAsync("cluster", "shwo"), 2, "unknown command 'cluster shwo' (cluster commands: show, leader, unreachable, leave, down, join, tail,");
        OneLine(await node.AcctlAsync("cluster", "down"), 2, "'cluster down' needs <addr>");
        OneLine(await node.AcctlAsync("cluster", "leader", "extra"), 2, "'cluster leader' does not take 'extra'");
        OneLine(await node.AcctlAsync("actor", "hierarchy", "--depth", "deep"), 2, "--depth takes a number from 1 to 12, not 'deep'");
        OneLine(await node.AcctlAsync("actor", "hierarchy", "--colour", "red"), 2, "'actor hierarchy' takes no option --colour");
        OneLine(await node.AcctlAsync("campaign", "create"), 2, "'campaign create' needs -f FILE");
        OneLine(await node.AcctlAsync("campaign", "create", "-f", "/no/such/file.json"), 2, "no file '/no/such/file.json'");
        OneLine(await node.AcctlAsync("campaign", "status", "../../etc"), 2, "'../../etc' is not a campaign id");
        OneLine(await node.AcctlAsync("log", "peek", "--level", "loud"), 1, "unknown log level 'loud'");
        OneLine(await node.AcctlAsync("cluster", "down", "127.0.0.1:1"), 1, "no member akka.tcp://actorcampaigns@127.0.0.1:1 in the cluster");
        OneLine(await node.AcctlAsync("cluster", "sharding", "region-stats", "orders"), 1, "no shard region 'orders' on this node (regions: campaign)");
    }

    [Fact]
    public async Task An_unknown_campaign_is_named_in_the_error()
    {
        OneLine(await node.AcctlAsync("campaign", "status", "c-nosuch"), 1, "no campaign 'c-nosuch'");
        OneLine(await node.AcctlAsync("campaign", "publish", "c-nosuch"), 1, "c-nosuch");
    }

    [Fact]
    public async Task Help_lists_every_palette_and_each_command_has_its_own()
    {
        var help = await AcctlProcess.RunAsync("help");
        Assert.Equal(0, help.ExitCode);
        foreach (var usage in new[] { "cluster show", "cluster leave [addr]", "cluster sharding shard-stats <type>", "actor hierarchy [--depth N]",
                     "log peek [--level L] [--limit N]", "campaign tail <id>", "campaign create [-f FILE]", "profiles import <file.csv>", "profiles events import <file>", "audiences list" })
            Assert.Contains($"  {usage} ", help.Out);

        var one = await node.AcctlAsync("campaign", "publish", "--help");
        Assert.Equal(0, one.ExitCode);
        Assert.StartsWith("usage: acctl <host:port> campaign publish <id> [--yes]\n", one.Out);

        var none = await AcctlProcess.RunAsync();
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("usage: acctl <host:port>", none.Out);
    }
}
