using System.Globalization;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>The console's Node page draws the node's own metrics while a campaign sends: members, executions, messages per second, errors.</summary>
public sealed class NodeConsoleTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    [Fact]
    public async Task The_node_page_shows_the_member_the_execution_running_and_the_messages_per_channel_as_a_campaign_sends()
    {
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/node");
        await Expect(page.Locator("#node-members .value")).ToHaveTextAsync("up 1");
        await Expect(page.Locator("#node-executions .value")).ToHaveTextAsync("0 running");

        // 1,500 opted-in profiles at 300 a second: five seconds of sending, seen by the page's looks every two seconds.
        var id = await console.CreateAsync("""
            { "name": "Metered sale", "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "mail", "type": "email", "throttle": 300, "content": { "from": "a@example.com", "subject": "Hi {{ firstName }}", "html": "<p>Hi</p>" } } ],
              "transitions": [ { "from": "optin", "to": "mail" } ] }
            """);
        await console.Node.PublishAsync(id);
        await Expect(page.Locator("#node-executions .value")).ToHaveTextAsync("1 running", new() { Timeout = 20_000 });
        await Expect(page.Locator("#node-throughput .value")).ToHaveTextAsync(new Regex("^email [1-9][0-9,]*$"), new() { Timeout = 20_000 });
        await ConsoleNode.ScreenshotAsync(page, "node-page-sending");

        // Once it completed, the page's total is the campaign's own.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await console.Node.StatusAsync(id)).GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the campaign did not complete");
            await Task.Delay(100);
        }
        var sent = (await console.Node.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}/report")).Body.GetProperty("total").GetProperty("sent").GetInt64();
        Assert.Equal(ConsoleNode.OptedIn, sent);
        await Expect(page.Locator("#node-throughput .detail")).ToHaveTextAsync(
            $"sent since the node started: email {sent.ToString("N0", CultureInfo.InvariantCulture)}", new() { Timeout = 10_000 });
        await Expect(page.Locator("#node-executions .value")).ToHaveTextAsync("0 running", new() { Timeout = 10_000 });
        await Expect(page.Locator("#node-errors .value")).ToHaveTextAsync("0 since the node started");
    }
}
