using System.Net;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>An experiment on the console: the activity's panel says when it decides, then draws the arms' rates with their intervals and the winner; so does the report.</summary>
public sealed class ExperimentConsoleTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    [Fact]
    public async Task The_panel_and_the_report_draw_each_arm_and_the_winner()
    {
        var id = await console.CreateAsync("""
            { "name": "Subject test", "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
                { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 20 }, { "name": "b", "percent": 20 } ], "metric": "opened", "window": "P1D" },
                { "id": "mail-a", "type": "email", "content": { "from": "shop@example.com", "subject": "A", "html": "<p>A</p>" } },
                { "id": "mail-b", "type": "email", "content": { "from": "shop@example.com", "subject": "B", "html": "<p>B</p>" } } ],
              "transitions": [ { "from": "optin", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "mail-b" } ] }
            """);
        Assert.Equal(HttpStatusCode.OK, (await console.Node.PublishAsync(id)).Status);
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await Expect(page.Locator("svg .activity[data-id='exp'] .state")).ToHaveTextAsync("waiting", new() { Timeout = 30_000 });
        await page.ClickAsync("svg .activity[data-id='exp']");
        await Expect(page.Locator(".panel .experiment.waiting")).ToContainTextAsync("Decides at");

        // Opens of b's messages only, through their tracked pixels; then an operator forces b.
        using var browser = new HttpClient();
        var pixels = File.ReadLines(Path.Combine(console.DataDir, "outbox", "email.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => m.GetProperty("campaignId").GetString() == id && m.GetProperty("activityId").GetString() == "mail-b").Take(40)
            .Select(m => System.Text.RegularExpressions.Regex.Match(m.GetProperty("html").GetString()!, "\"(https?://[^\"]+/t/o/[^\"]+)\"").Groups[1].Value).ToList();
        Assert.Equal(40, pixels.Count);
        foreach (var pixel in pixels)
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(pixel)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await console.Node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("activities").GetProperty("mail-b")
               .GetProperty("feedback") is var feedback && (!feedback.TryGetProperty("opened", out var opened) || opened.GetInt64() < 40))
        {
            Assert.True(DateTime.UtcNow < deadline, "the opens were not recorded");
            await Task.Delay(100);
        }
        var (forced, body) = await console.Node.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/experiments/exp/winner", """{ "arm": "b", "reason": "b reads better" }""");
        Assert.True(forced == HttpStatusCode.OK, body.ToString());

        await Expect(page.Locator("svg .activity[data-id='exp'] .state")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await page.ClickAsync("svg .activity[data-id='exp']");
        var figure = page.Locator(".panel figure.experiment");
        await Expect(figure).ToHaveAttributeAsync("data-winner", "b");
        await Expect(figure.Locator("figcaption")).ToContainTextAsync("b wins (forced by no key: b reads better)");
        await Expect(figure.Locator("tr[data-arm='b'] td").Nth(1)).ToHaveTextAsync("40");
        await Expect(figure.Locator("tr[data-arm='a'] td").Nth(1)).ToHaveTextAsync("0");
        await Expect(figure.Locator("svg.arms-chart rect.winner")).ToHaveCountAsync(1);
        await Expect(figure.Locator("svg.arms-chart")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"^opened rate per arm: a 0\.0 % .*; b \d+\.\d % "));
        await ConsoleNode.ScreenshotAsync(page, "experiment-panel");

        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}/report");
        var reported = page.Locator(".experiment-report[data-activity='exp'] figure.experiment");
        await Expect(reported).ToHaveAttributeAsync("data-winner", "b");
        await Expect(reported.Locator("tr[data-arm='b'] td").Nth(1)).ToHaveTextAsync("40");
        await ConsoleNode.ScreenshotAsync(page, "experiment-report");
    }
}
