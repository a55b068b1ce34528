using System.Net;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>A node that splits every execution into three partitions (<c>Engine:Partitions</c>), as a cluster of several does.</summary>
public sealed class PartitionedConsoleNode() : ConsoleNode(("Engine__Partitions", "3"));

/// <summary>The campaign page says on which members a partitioned execution runs, and an activity's panel lists its partitions.</summary>
public sealed class PartitionedConsoleTests(PartitionedConsoleNode console) : IClassFixture<PartitionedConsoleNode>
{
    [Fact]
    public async Task The_campaign_page_shows_where_the_partitions_run_and_each_partition_of_an_activity()
    {
        var id = await console.CreateAsync("""
            { "name": "Partitioned sale", "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "optin", "to": "mail" } ] }
            """);
        Assert.Equal(HttpStatusCode.OK, (await console.Node.PublishAsync(id)).Status);
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await Expect(page.Locator("svg .activity[data-id='mail'] .state")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await Expect(page.Locator("#where")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^on 127\.0\.0\.1:\d+; partitions on 127\.0\.0\.1:\d+$"));

        await page.ClickAsync("svg .activity[data-id='mail']");
        var rows = page.Locator(".panel table.partitions tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        // 2,000 profiles by id rank (1-667, 668-1334, 1335-2000), those not a multiple of 4 opted in: 501, 500 and 499.
        await Expect(rows.Nth(0)).ToContainTextAsync("completed");
        await Expect(rows.Nth(0).Locator("td").Nth(3)).ToHaveTextAsync("501");
        await Expect(rows.Nth(2).Locator("td").Nth(4)).ToHaveTextAsync("out 499excluded 0");
        await ConsoleNode.ScreenshotAsync(page, "partitions");
    }
}
