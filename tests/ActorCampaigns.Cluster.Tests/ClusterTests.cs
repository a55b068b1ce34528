using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>Three real Node processes sharing one PostgreSQL: campaigns submitted through one gateway run on the cluster.</summary>
public sealed class ClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private const int Profiles = 2_000;

    private static string Campaign(int number) => $$$"""
        { "name": "Cluster sale {{{number}}}", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale {{{number}}}, {{ firstName }}", "html": "<p>Hi</p>" } } ],
          "transitions": [ { "from": "all", "to": "mail" } ] }
        """;

    private static async Task<JsonElement> CompletedAsync(NodeProcess node, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = await node.StatusAsync(id);
            if (status.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } execution
                && execution.GetProperty("state").GetString() == "completed")
                return status;
            Assert.True(DateTime.UtcNow < deadline, $"campaign {id} did not complete: {status}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Campaigns_submitted_through_one_gateway_complete_with_exact_counts_and_any_node_answers_for_them()
    {
        var (first, second, third) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{i},p{i}@example.com,P{i},{(i % 4 != 0 ? "true" : "false")}\n");
        Assert.Equal(HttpStatusCode.OK, (await first.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var optedIn = Profiles - Profiles / 4;

        var ids = new List<string>();
        for (var n = 1; n <= 10; n++)
        {
            var (created, body) = await second.SendAsync(HttpMethod.Post, "/api/campaigns", Campaign(n));
            Assert.Equal(HttpStatusCode.Created, created);
            ids.Add(body.GetProperty("id").GetString()!);
        }
        foreach (var id in ids)
            Assert.Equal(HttpStatusCode.OK, (await second.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/publish")).Status);

        foreach (var id in ids)
        {
            var status = await CompletedAsync(third, id);
            var mail = status.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");
            Assert.Equal(optedIn, mail.GetProperty("out").GetProperty("out").GetInt64());
            Assert.Equal(optedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
            Assert.Equal((await first.StatusAsync(id)).GetRawText(), (await third.StatusAsync(id)).GetRawText());
        }
        Assert.Equal(10L * optedIn, await cluster.ScalarAsync("SELECT COUNT(DISTINCT message_id) FROM outbox_messages"));
        // Shards are spread over the members: the ten campaigns did not all run on one node.
        var hosts = new HashSet<string>();
        foreach (var id in ids)
            hosts.Add((await first.StatusAsync(id)).GetProperty("node").GetString()!);
        Assert.True(hosts.Count >= 2, $"all campaigns ran on {string.Join(", ", hosts)}");
    }
}
