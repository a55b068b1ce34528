using System.Net;
using ActorCampaigns.TestSupport;
using Xunit.Abstractions;
using static ActorCampaigns.Cluster.Tests.Campaigns;
using static ActorCampaigns.Cluster.Tests.PartitionedCampaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>Three campaign members sending email through a real SMTP server on loopback, started before them.</summary>
public sealed class ThreeCampaignNodesOverSmtp() : ThreeNodeCluster(campaignNodes: 3, batchSize: 200)
{
    public TestSmtpServer Sink { get; } = new();

    protected override IEnumerable<(string, string)> ExtraSettings =>
        [("EmailProvider", "smtp"), ("Smtp__Port", Sink.Port.ToString()), ("Smtp__Security", "None")];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

/// <summary>
/// A member running partitions of an email sent over SMTP dies (SIGKILL): the survivors send the rest, and the SMTP
/// server, counted, receives every opted-in profile's message. What SMTP cannot promise is said and bounded: a message
/// the dead member had handed to the server but not yet recorded as sent goes again, with the same Message-ID; a
/// partition records its messages every <c>Delivery.FencedChunk</c>, so at most that many per partition it held.
/// </summary>
public sealed class PartitionedSmtpTests(ThreeCampaignNodesOverSmtp cluster, ITestOutputHelper output) : IClassFixture<ThreeCampaignNodesOverSmtp>
{
    private const int Profiles = 6_000;
    private const int OptedIn = Profiles - Profiles / 4;

    [Fact]
    public async Task Every_message_reaches_the_smtp_server_after_a_member_sending_partitions_is_killed_and_repeats_stay_within_a_chunk_per_partition()
    {
        var csv = new System.Text.StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{7L * i + i % 5},p{i}@example.com,P{i},{(i % 4 != 0 ? "true" : "false")}\n");
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var (created, body) = await cluster.Nodes[0].SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Sale over SMTP", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "throttle": 450, "content": { "from": "shop@example.com", "subject": "Sale, {{ firstName }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/publish")).Status);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => cluster.Sink.Received.Count >= 1_000 && RunningOn(s).Count == 3, seconds: 120);

        var victim = Victim(cluster, sending);
        var victimAddress = $"akka.tcp://actorcampaigns@127.0.0.1:{cluster.Ports[cluster.Nodes.ToList().IndexOf(victim)]}";
        var held = Mail(sending).GetProperty("partitions").EnumerateArray().Count(p => p.GetProperty("node").GetString() == victimAddress);
        victim.Kill();

        var completed = await AwaitAsync(cluster.Nodes[0], id, Completed, seconds: 180);
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        var execution = completed.GetProperty("executions")[0].GetProperty("id").GetString();
        var received = cluster.Sink.Received.ToList();
        var byId = received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var expected = Enumerable.Range(1, Profiles).Where(i => i % 4 != 0).ToDictionary(i => $"{id}.{execution}.mail.{7L * i + i % 5}@actorcampaigns.local", i => i);
        // Every opted-in profile's message, to its address, with its subject; nothing else.
        Assert.Equal(OptedIn, byId.Count);
        foreach (var (messageId, copies) in byId)
        {
            var profile = expected[messageId];
            Assert.All(copies, m => Assert.Equal(($"p{profile}@example.com", $"Sale, P{profile}"), (m.To.Mailboxes.Single().Address, m.Subject)));
        }
        var repeats = received.Count - byId.Count;
        output.WriteLine($"{received.Count} messages received for {byId.Count} profiles: {repeats} sent again after the kill ({held} partitions moved)");
        Assert.InRange(repeats, 0, held * ActorCampaigns.Engine.Activities.Channel.Delivery.FencedChunk);
    }
}
