using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>What the cluster tests submit and how they follow it, through a node's gateway.</summary>
internal static class Campaigns
{
    public const int Profiles = 2_000;

    /// <summary>Profiles whose emailOptIn is true: all but every fourth.</summary>
    public const int OptedIn = Profiles - Profiles / 4;

    public static async Task ImportProfilesAsync(NodeProcess node)
    {
        var csv = new StringBuilder("id,email,firstName,emailOptIn\n");
        for (var i = 1; i <= Profiles; i++)
            csv.Append($"{i},p{i}@example.com,P{i},{(i % 4 != 0 ? "true" : "false")}\n");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
    }

    /// <summary>An email to every opted-in profile, at <paramref name="throttle"/> messages a second when given.</summary>
    public static async Task<string> PublishAsync(NodeProcess node, int number, int? throttle = null)
    {
        var (created, body) = await node.SendAsync(HttpMethod.Post, "/api/campaigns", $$$"""
            { "name": "Cluster sale {{{number}}}", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", {{{(throttle is { } t ? $"\"throttle\": {t}," : "")}}}
                  "content": { "from": "shop@example.com", "subject": "Sale {{{number}}}, {{ firstName }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await node.PublishAsync(id)).Status);
        return id;
    }

    /// <summary>The campaign's status once <paramref name="condition"/> holds, asked of <paramref name="node"/> (a campaign that is moving does not answer for a while).</summary>
    public static async Task<JsonElement> AwaitAsync(NodeProcess node, string id, Func<JsonElement, bool> condition, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var status = await node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/status");
                if (condition(status))
                    return status;
                last = status.GetRawText();
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException e)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"campaign {id}: condition not met in {seconds} s; last answer: {last}");
    }

    /// <summary>
    /// Imports the profiles and publishes, through the first node, an email to the 1,500 opted in at 150 a second in
    /// batches of 100 (some ten seconds of sending to disturb); returns once 200 have left, with the node running it.
    /// </summary>
    public static async Task<(string Id, string Host, NodeProcess Node)> SendingAsync(ThreeNodeCluster cluster)
    {
        await ImportProfilesAsync(cluster.Nodes[0]);
        var id = await PublishAsync(cluster.Nodes[0], 1, throttle: 150);
        var sending = await AwaitAsync(cluster.Nodes[0], id, s => Mail(s).GetProperty("out").GetProperty("out").GetInt64() >= 200, seconds: 60);
        var host = sending.GetProperty("node").GetString()!;
        return (id, host, cluster.NodeAt(host));
    }

    /// <summary>
    /// What an undisturbed run gives: every opted-in profile counted and sent one message, the very message an
    /// undisturbed run renders (its id, address and subject), every batch marked sent.
    /// </summary>
    public static async Task AssertEachSentOnceAsync(ThreeNodeCluster cluster, string id, JsonElement completed)
    {
        var execution = completed.GetProperty("executions")[0].GetProperty("id").GetString();
        var expected = Enumerable.Range(1, Profiles).Where(i => i % 4 != 0)
            .Select(i => $"{id}.{execution}.mail.{i}|p{i}@example.com|Sale 1, P{i}").ToList();
        var outbox = await cluster.RowsAsync(
            $"SELECT message_id, recipient, content->>'subject' FROM outbox_messages WHERE campaign = '{id}' ORDER BY profile");
        Assert.Equal(expected, outbox.Select(row => string.Join('|', row)));
        Assert.Equal(OptedIn, Mail(completed).GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT COUNT(DISTINCT profile) FROM outbox_messages WHERE campaign = '{id}'"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM delivery_batches WHERE campaign = '{id}' AND state <> 'sent'"));
        Assert.Equal(OptedIn, await cluster.ScalarAsync($"SELECT SUM(count) FROM delivery_batches WHERE campaign = '{id}'"));
    }

    public static bool Completed(JsonElement status) =>
        status.GetProperty("executions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } execution
        && execution.GetProperty("state").GetString() == "completed";

    public static JsonElement Mail(JsonElement status) => status.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");
}
