using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// PostgreSQL is restarted (<c>pg_ctl restart -m fast</c>, as for an upgrade) while a campaign sends: its channel
/// activity fails with a reason a person reads (or, caught with no query running, goes on), the nodes carry on, and
/// resume completes it as an undisturbed run would.
/// </summary>
public sealed class DatabaseRestartTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task A_campaign_sending_through_a_database_restart_fails_with_its_reason_and_resume_completes_it_each_message_once()
    {
        var (id, _, host) = await SendingAsync(cluster);
        await cluster.RestartDatabaseAsync();

        // A run caught using the database fails; one whose connections were all idle through the restart may find new
        // ones and go on. Either way each message leaves once; a failure must say why, and resume must finish the run.
        var ended = await AwaitAsync(host, id, s => s.GetProperty("status").GetString() is "failed" or "completed", seconds: 60);
        foreach (var node in cluster.Nodes)
            Assert.True((await node.Http.GetAsync("/health/ready")).IsSuccessStatusCode, node.Log);
        // Its journal recorded every step: a write that failed would have stopped the campaign, which then ran its
        // activity again unseen, while status requests waited 30 s for it.
        Assert.DoesNotContain("Failed to persist event", host.Log);
        if (ended.GetProperty("status").GetString() == "completed")
        {
            await AssertEachSentOnceAsync(cluster, id, ended);
            return;
        }
        var reason = Mail(ended).GetProperty("failure").GetString()!;
        // The server's own words in the middle (57P01 "terminating connection due to administrator command" for a run
        // caught in a query, a refused connection for one that asked while the server was down), no stack trace.
        Assert.Matches(@"^the database was unavailable \([^\n]+\); it answers again: resume the campaign to go on$", reason);
        var logs = await host.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs");
        Assert.Contains(logs.GetProperty("lines").EnumerateArray(), line => line.GetProperty("message").GetString() == $"failed: {reason}");
        var sentBefore = await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'");
        Assert.InRange(sentBefore, 1, OptedIn - 1);

        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[2].SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/resume")).Status);
        await AssertEachSentOnceAsync(cluster, id, await AwaitAsync(cluster.Nodes[2], id, Completed, seconds: 60));
    }
}
