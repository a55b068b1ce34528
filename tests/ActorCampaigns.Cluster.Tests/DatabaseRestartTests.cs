using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// PostgreSQL is restarted (<c>pg_ctl restart -m fast</c>, as for an upgrade) while a campaign sends: its channel
/// activity fails with a reason a person reads, the nodes carry on, and resume completes it as an undisturbed run would.
/// </summary>
public sealed class DatabaseRestartTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task A_campaign_sending_through_a_database_restart_fails_with_its_reason_and_resume_completes_it_each_message_once()
    {
        var (id, _, host) = await SendingAsync(cluster);
        await cluster.RestartDatabaseAsync();

        var failed = await AwaitAsync(host, id, s => s.GetProperty("status").GetString() == "failed", seconds: 60);
        var reason = Mail(failed).GetProperty("failure").GetString()!;
        // The server's own words in the middle (57P01 "terminating connection due to administrator command" for a run
        // caught in a query, a refused connection for one that asked while the server was down), no stack trace.
        Assert.Matches(@"^the database was unavailable \([^\n]+\); it answers again: resume the campaign to go on$", reason);
        var logs = await host.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs");
        Assert.Contains(logs.GetProperty("lines").EnumerateArray(), line => line.GetProperty("message").GetString() == $"failed: {reason}");
        var sentBefore = await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'");
        Assert.InRange(sentBefore, 1, OptedIn - 1);
        // Every node lived through it, still a member of the cluster.
        foreach (var node in cluster.Nodes)
            Assert.True((await node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, node.Log);

        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[2].SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
        await AssertEachSentOnceAsync(cluster, id, await AwaitAsync(cluster.Nodes[2], id, Completed, seconds: 60));
    }
}
