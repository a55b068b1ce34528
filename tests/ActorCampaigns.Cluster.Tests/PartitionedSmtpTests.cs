using System.Net;
using System.Text.Json;
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

/// <summary>An email to 4,500 opted-in profiles over SMTP, sent by partitions on three members, and what the server received.</summary>
internal static class SmtpCampaign
{
    private const int Profiles = 6_000;
    private const int OptedIn = Profiles - Profiles / 4;

    /// <summary>Imports the profiles, publishes the email at 450 a second, and returns once 1,000 have arrived and every member sends.</summary>
    public static async Task<(string Id, JsonElement Status)> SendingOnEveryMemberAsync(ThreeCampaignNodesOverSmtp cluster)
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
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].PublishAsync(id)).Status);
        return (id, await AwaitAsync(cluster.Nodes[0], id, s => cluster.Sink.Received.Count >= 1_000 && RunningOn(s).Count == 3, seconds: 120));
    }

    /// <summary>
    /// Awaits the campaign's completion and checks that the server received every opted-in profile's message, to its
    /// address, with its subject, and nothing else; returns how many it received more than once.
    /// </summary>
    public static async Task<int> RepeatsOnceCompletedAsync(ThreeCampaignNodesOverSmtp cluster, string id, ITestOutputHelper output)
    {
        var completed = await AwaitAsync(cluster.Nodes[0], id, Completed, seconds: 180);
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        var execution = completed.GetProperty("executions")[0].GetProperty("id").GetString();
        var received = cluster.Sink.Received.ToList();
        var byId = received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var expected = Enumerable.Range(1, Profiles).Where(i => i % 4 != 0).ToDictionary(i => $"{id}.{execution}.mail.{7L * i + i % 5}@actorcampaigns.local", i => i);
        Assert.Equal(OptedIn, byId.Count);
        foreach (var (messageId, copies) in byId)
        {
            var profile = expected[messageId];
            Assert.All(copies, m => Assert.Equal(($"p{profile}@example.com", $"Sale, P{profile}"), (m.To.Mailboxes.Single().Address, m.Subject)));
        }
        var repeats = received.Count - byId.Count;
        output.WriteLine($"{received.Count} messages received for {byId.Count} profiles: {repeats} received more than once");
        return repeats;
    }

    /// <summary>How many partitions of the email the member runs.</summary>
    public static int HeldBy(ThreeCampaignNodesOverSmtp cluster, NodeProcess member, JsonElement status)
    {
        var address = $"akka.tcp://actorcampaigns@127.0.0.1:{cluster.Ports[cluster.Nodes.ToList().IndexOf(member)]}";
        return Mail(status).GetProperty("partitions").EnumerateArray().Count(p => p.GetProperty("node").GetString() == address);
    }
}

/// <summary>
/// A member running partitions of an email sent over SMTP dies (SIGKILL): the survivors send the rest, and the SMTP
/// server, counted, receives every opted-in profile's message. What SMTP cannot promise is said and bounded: a message
/// the dead member had handed to the server but not yet settled goes again, with the same Message-ID; a partition
/// settles its messages every <c>Delivery.SettledChunk</c>, so at most that many per partition it held.
/// </summary>
public sealed class PartitionedSmtpTests(ThreeCampaignNodesOverSmtp cluster, ITestOutputHelper output) : IClassFixture<ThreeCampaignNodesOverSmtp>
{
    [Fact]
    public async Task Every_message_reaches_the_smtp_server_after_a_member_sending_partitions_is_killed_and_repeats_stay_within_a_chunk_per_partition()
    {
        var (id, sending) = await SmtpCampaign.SendingOnEveryMemberAsync(cluster);
        var victim = Victim(cluster, sending);
        var held = SmtpCampaign.HeldBy(cluster, victim, sending);
        victim.Kill();

        var repeats = await SmtpCampaign.RepeatsOnceCompletedAsync(cluster, id, output);
        output.WriteLine($"{held} partitions moved");
        Assert.InRange(repeats, 0, held * ActorCampaigns.Engine.Activities.Channel.Delivery.SettledChunk);
    }
}

/// <summary>
/// A member running partitions of an email sent over SMTP leaves the orderly way (SIGTERM): each of its partitions
/// finishes the chunk it was sending, settles it and hands over; the SMTP server receives every message exactly once.
/// </summary>
public sealed class PartitionedSmtpLeaveTests(ThreeCampaignNodesOverSmtp cluster, ITestOutputHelper output) : IClassFixture<ThreeCampaignNodesOverSmtp>
{
    [Fact]
    public async Task Every_message_reaches_the_smtp_server_exactly_once_when_a_member_sending_partitions_leaves()
    {
        var (id, sending) = await SmtpCampaign.SendingOnEveryMemberAsync(cluster);
        var leaving = Victim(cluster, sending);
        Assert.True(SmtpCampaign.HeldBy(cluster, leaving, sending) > 0);
        await leaving.SignalAsync("TERM");
        Assert.True(await leaving.ExitCodeWithinAsync(TimeSpan.FromSeconds(60)) == 0, $"the member did not stop cleanly within 60 s of SIGTERM:\n{leaving.Log}");

        Assert.Equal(0, await SmtpCampaign.RepeatsOnceCompletedAsync(cluster, id, output));
    }
}
