using System.Net;
using System.Text;
using System.Text.Json;
using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// One campaign over 300,000 profiles on three campaign members: its per-profile activities run as partitions on all
/// of them. Ids have gaps, as a CRM export's do; a quarter of the profiles have not opted in.
/// </summary>
internal static class PartitionedCampaigns
{
    public const int Profiles = 300_000;

    public const int OptedIn = Profiles - Profiles / 4;

    private static long IdOf(int i) => 7L * i + i % 5 + (i > Profiles / 2 ? 40_000_000 : 0);

    public static async Task ImportAsync(NodeProcess node)
    {
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n", Profiles * 48);
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{IdOf(i)},p{i}@example.com,P{i},{(i % 4 != 0 ? "true" : "false")}\n");
        var (status, body) = await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv");
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
    }

    /// <summary>
    /// Imports the profiles and publishes through the first node an email to those opted in, at 15,000 a second over
    /// all partitions (some fifteen seconds to disturb); returns once every member runs a partition of the email and
    /// some 20,000 have left, with the status then.
    /// </summary>
    public static async Task<(string Id, JsonElement Status)> SendingOnEveryMemberAsync(ThreeNodeCluster cluster)
    {
        await ImportAsync(cluster.Nodes[0]);
        var (created, body) = await cluster.Nodes[0].SendAsync(HttpMethod.Post, "/api/campaigns", """
            { "name": "Partitioned sale", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "throttle": 15000,
                  "content": { "from": "shop@example.com", "subject": "Sale, {{ firstName }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].PublishAsync(id)).Status);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => Mail(s).GetProperty("out").GetProperty("out").GetInt64() >= 20_000
            && RunningOn(s).Count == 3, seconds: 120);
        return (id, sending);
    }

    /// <summary>The members running a partition of the email now (a partition assigned but not yet started has no member).</summary>
    public static HashSet<string> RunningOn(JsonElement status) =>
        Mail(status).GetProperty("partitions") is { ValueKind: JsonValueKind.Array } partitions
            ? partitions.EnumerateArray().Where(p => p.GetProperty("state").GetString() == "running")
                .Select(p => p.GetProperty("node").GetString()).OfType<string>().ToHashSet()
            : [];

    /// <summary>A member running a partition of the email that is not the campaign's coordinator nor the first node (which the tests ask).</summary>
    public static NodeProcess Victim(ThreeNodeCluster cluster, JsonElement status)
    {
        var coordinator = status.GetProperty("node").GetString()!;
        var address = RunningOn(status).First(n => n != coordinator && cluster.NodeAt(n) != cluster.Nodes[0]);
        return cluster.NodeAt(address);
    }

    /// <summary>
    /// What an undisturbed run gives: six partitions, each completed, their counts adding up to every opted-in profile,
    /// one outbox row each with the message an undisturbed run renders, every batch marked sent once.
    /// </summary>
    public static async Task AssertEachOptedInSentOnceAsync(ThreeNodeCluster cluster, string id, JsonElement completed)
    {
        var mail = Mail(completed);
        Assert.Equal(OptedIn, mail.GetProperty("out").GetProperty("out").GetInt64());
        var partitions = mail.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(6, partitions.Count);
        Assert.All(partitions, p => Assert.Equal("completed", p.GetProperty("state").GetString()));
        Assert.Equal(OptedIn, partitions.Sum(p => p.GetProperty("out").GetProperty("out").GetInt64()));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(DISTINCT profile) FROM outbox_messages WHERE campaign = '{id}'"));
        var execution = completed.GetProperty("executions")[0].GetProperty("id").GetString();
        // Each row is the message of an opted-in profile, as rendered for it: its id, its address, its subject.
        Assert.Equal(0, await cluster.ScalarAsync($"""
            SELECT COUNT(*) FROM outbox_messages o LEFT JOIN profiles p ON p.id = o.profile
            WHERE o.campaign = '{id}' AND (p.id IS NULL OR NOT p."emailOptIn" OR o.recipient <> p.email
              OR o.message_id <> '{id}.{execution}.mail.' || p.id OR o.content->>'subject' <> 'Sale, ' || p."firstName")
            """));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}' AND state <> 'sent'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT SUM(count) FROM delivery_batches WHERE campaign = '{id}'"));
    }
}
