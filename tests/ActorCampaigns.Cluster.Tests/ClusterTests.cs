using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>Three real Node processes sharing one PostgreSQL: campaigns submitted through one gateway run on the cluster.</summary>
public sealed class ClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task Fifty_campaigns_submitted_at_once_through_one_node_complete_spread_over_the_campaign_nodes_and_any_node_answers_for_them()
    {
        var (first, second, third) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        await ImportProfilesAsync(first);
        var ids = await Task.WhenAll(Enumerable.Range(1, 50).Select(n => PublishAsync(second, n)));

        foreach (var id in ids)
        {
            var status = await AwaitAsync(third, id, Completed);
            Assert.Equal(OptedIn, Mail(status).GetProperty("out").GetProperty("out").GetInt64());
            Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
            Assert.Equal((await first.StatusAsync(id)).GetRawText(), (await third.StatusAsync(id)).GetRawText());
        }
        Assert.Equal(50L * OptedIn, await cluster.ScalarAsync("SELECT COUNT(DISTINCT message_id) FROM outbox_messages"));
        // The gateway-only node also answers reports and the live feed of a campaign that runs elsewhere.
        var report = await third.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{ids[0]}/report");
        Assert.Equal(OptedIn, report.GetProperty("channels")[0].GetProperty("total").GetProperty("sent").GetInt64());
        using (var events = await third.Http.GetAsync($"/api/campaigns/{ids[0]}/events", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
            {
            }
            Assert.Contains("\"state\":\"completed\"", line);
        }
        // Shards are spread over the members with the campaign role: both ran some of the fifty, the gateway none.
        var hosts = new HashSet<string>();
        foreach (var id in ids)
            hosts.Add((await third.StatusAsync(id)).GetProperty("node").GetString()!);
        Assert.Equal(2, hosts.Count);
        Assert.DoesNotContain(hosts, host => host.EndsWith($":{cluster.Ports[2]}", StringComparison.Ordinal));
    }
}
