using System.Net;
using System.Text;
using Xunit.Abstractions;
using static ActorCampaigns.Cluster.Tests.Campaigns;

namespace ActorCampaigns.Cluster.Tests;

/// <summary>Three campaign members on one PostgreSQL with an email quota of 1,000 an hour, their clocks moved by the test.</summary>
public sealed class ThreeNodesUnderAQuota() : ThreeNodeCluster(campaignNodes: 3, batchSize: 500)
{
    protected override IEnumerable<(string, string)> ExtraSettings => [("ClockControl", "true"), ("Providers__Email__Quota", "1000/PT1H")];

    /// <summary>Moves every member's clock on by <paramref name="by"/> (at once, so they stay within a few milliseconds of each other).</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.WhenAll(Nodes.Select(async node =>
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Post, $"/testing/clock/advance?by=PT{(long)by.TotalSeconds}S")).Status)));
}

/// <summary>
/// Two campaigns, 25,000 and 2,000 messages, sent by partitions on three members under one quota of 1,000 emails an
/// hour, over a simulated day: no hour ever sees more than 1,000 leave, the quota is used, and the small campaign is
/// served in turn with the large one, not after it.
/// </summary>
public sealed class ProviderQuotaTests(ThreeNodesUnderAQuota cluster, ITestOutputHelper output) : IClassFixture<ThreeNodesUnderAQuota>
{
    private const int Large = 25_000;
    private const int Small = 2_000;

    private async Task<string> PublishAsync(string name, string group)
    {
        var (created, body) = await cluster.Nodes[0].SendAsync(HttpMethod.Post, "/api/campaigns", $$"""
            { "name": "{{name}}", "activities": [ { "id": "all", "type": "buildAudience", "filter": "segment = '{{group}}'" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "{{name}}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.Created, created);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].PublishAsync(id)).Status);
        return id;
    }

    private Task<long> SentAsync(string? campaign = null) => cluster.ScalarAsync(
        "SELECT COUNT(*) FROM sends se JOIN sendings sg ON sg.id = se.sending" + (campaign is null ? "" : $" WHERE sg.campaign = '{campaign}'"));

    [Fact]
    public async Task A_quota_of_1000_an_hour_shared_by_two_campaigns_on_three_members_holds_over_a_day()
    {
        var csv = new StringBuilder("id,email,segment,emailOptIn\n");
        for (var i = 0; i < Large + Small; i++)
            csv.Append($"{9_973L * i + i % 11 + 5},p{i}@example.com,{(i % 13 == 0 && i / 13 < Small ? "small" : "large")},true\n");
        Assert.Equal(HttpStatusCode.OK, (await cluster.Nodes[0].SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var large = await PublishAsync("Large", "large");
        var small = await PublishAsync("Small", "small");

        long? smallDoneAt = null;
        long before = 0;
        for (var hour = 0; hour < 24; hour++)
        {
            if (hour > 0)
                await cluster.AdvanceAsync(TimeSpan.FromHours(1));
            // Each hour the window frees what the hour before took: wait for the next thousand to leave, less what
            // a slice may leave unused (a window with 996 taken has no room for a slice of 10), and no more. (CI saw
            // 989 and 947 before a campaign held at its equal part stopped keeping room for its waiting slices.)
            var deadline = DateTime.UtcNow.AddSeconds(90);
            long sent;
            while ((sent = await SentAsync()) < before + 990)
            {
                if (DateTime.UtcNow > deadline)
                {
                    foreach (var row in await cluster.RowsAsync("SELECT campaign, SUM(messages), MIN(at), MAX(at) FROM provider_quota_grants GROUP BY campaign"))
                        output.WriteLine($"grants {string.Join(' ', row)}");
                    foreach (var row in await cluster.RowsAsync("SELECT campaign, part, since, seen, messages, refused FROM provider_quota_waiters"))
                        output.WriteLine($"waiter {string.Join(' ', row)}");
                    output.WriteLine($"large {await SentAsync(large)}, small {await SentAsync(small)}");
                }
                Assert.True(DateTime.UtcNow < deadline, $"hour {hour}: {sent - before} sent, not 990 to 1,000");
                await Task.Delay(250);
            }
            await Task.Delay(1_500);
            var (ofLarge, ofSmall) = (await SentAsync(large), await SentAsync(small));
            output.WriteLine($"hour {hour}: {ofLarge + ofSmall - before} sent ({ofLarge} large, {ofSmall} small so far)");
            Assert.InRange(ofLarge + ofSmall - before, 990, 1_000);
            before = ofLarge + ofSmall;
            if (ofSmall == Small)
                smallDoneAt ??= hour;
        }

        // Every hour-long window of the ledger's send times (each member's clock) holds at most 1,000 sends.
        var times = (await cluster.RowsAsync("SELECT at FROM sends")).Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        var (worst, start) = (0, 0);
        for (var end = 0; end < times.Length; end++)
        {
            while (times[start] <= times[end] - 3_600_000)
                start++;
            worst = Math.Max(worst, end - start + 1);
        }
        output.WriteLine($"at most {worst} sent in any hour; the small campaign was done in hour {smallDoneAt}");
        Assert.InRange(worst, 990, 1_000);
        Assert.InRange(await SentAsync(), 24 * 990, 24_000);
        // Served in turn: the small campaign took about half of each hour while it waited, so it was done within 5 hours.
        Assert.InRange(smallDoneAt ?? 99, 1, 5);
        var status = await AwaitAsync(cluster.Nodes[0], large, s => Mail(s).TryGetProperty("quota", out var quota) && quota.ValueKind == System.Text.Json.JsonValueKind.Object);
        Assert.Equal("email", Mail(status).GetProperty("quota").GetProperty("channel").GetString());
    }
}
