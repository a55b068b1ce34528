using System.Text.Json;
using System.Net;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>A marketer's whole journey in the console: build a campaign in the editor, test it, publish it, read the report.</summary>
public sealed class CampaignJourneyTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    [Fact]
    public async Task A_campaign_built_in_the_editor_is_tested_published_and_reported_on()
    {
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/new");

        // Build: a targeting activity whose audience size shows while the filter is typed, an email, a transition.
        await page.FillAsync("#campaign-name", "Browser sale");
        await page.SelectOptionAsync("#new-type", "buildAudience");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-filter", "emailOptIn and country = 'FR'");
        await Expect(page.Locator("#estimate")).ToHaveTextAsync("Audience now: 500 profiles"); // even ids, not multiples of 4
        await page.FillAsync("#field-filter", "emailOptIn");
        await Expect(page.Locator("#estimate")).ToHaveTextAsync($"Audience now: {ConsoleNode.OptedIn:N0} profiles");
        await page.SelectOptionAsync("#new-type", "email");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-content-subject", "Sale, {{ firstName }}");
        await page.ClickAsync("svg .activity[data-id='buildaudience1']");
        await page.SelectOptionAsync("#connect-to", "email1");
        await page.ClickAsync("#connect");
        await Expect(page.Locator("#problems")).ToHaveTextAsync("No problem: the document is valid.");
        // The JSON document followed every step.
        var document = JsonDocument.Parse(await page.InputValueAsync("#document-json")).RootElement;
        Assert.Equal("emailOptIn", document.GetProperty("activities")[0].GetProperty("filter").GetString());
        Assert.Equal("email1", document.GetProperty("transitions")[0].GetProperty("to").GetString());
        await ConsoleNode.ScreenshotAsync(page, "1-editor");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync("**/#/campaigns/c-*");
        var id = page.Url.Split('/')[^1];

        // Test: counts appear on the transition, the email is held with the number it would send.
        await page.ClickAsync("button[data-action=test]");
        var transition = page.Locator("svg .transition .count text");
        await Expect(transition).ToHaveTextAsync($"{ConsoleNode.OptedIn:N0}");
        await Expect(page.Locator("svg .activity[data-id='email1'] .state")).ToHaveTextAsync("held");
        await ConsoleNode.ScreenshotAsync(page, "2-tested");

        // Publish, confirmed in a dialog that shows the messages it sends; the canvas follows the live run to the end.
        await page.ClickAsync("button[data-action=publish]");
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync($"It sends about {ConsoleNode.OptedIn:N0} messages (email {ConsoleNode.OptedIn:N0})");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("svg .activity[data-id='email1'] .state")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await Expect(page.Locator(".title .pill")).ToHaveTextAsync("completed");

        // A click on the transition previews its population; on the activity, its parameters and log.
        await page.ClickAsync("svg .transition");
        await Expect(page.Locator(".panel")).ToContainTextAsync($"{ConsoleNode.OptedIn:N0} profiles; the first 20:");
        await Expect(page.Locator(".panel table.preview tbody tr")).ToHaveCountAsync(20);
        await page.ClickAsync("svg .activity[data-id='email1']");
        await Expect(page.Locator(".panel pre.json")).ToContainTextAsync("Sale, {{ firstName }}");
        await Expect(page.Locator(".panel ul.log")).ToContainTextAsync($"completed: in {ConsoleNode.OptedIn}");
        await ConsoleNode.ScreenshotAsync(page, "3-published");

        // 300 people open the email (its tracking pixel); the report shows the funnel and the hours.
        var pixels = console.OpenPixels(id);
        Assert.Equal(ConsoleNode.OptedIn, pixels.Count);
        foreach (var pixel in pixels.Take(300))
            Assert.Equal(HttpStatusCode.OK, (await console.Node.Http.GetAsync(pixel)).StatusCode);
        var funnel = page.Locator("figure.funnel[data-activity='email1']");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            // Opens are answered once queued and written a moment later: the report is read again until they are in.
            await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}/report");
            await page.ReloadAsync();
            await Expect(funnel).ToHaveCountAsync(1);
        }
        while (await funnel.Locator("[data-step=opened]").TextContentAsync() != "300" && DateTime.UtcNow < deadline);
        await Expect(funnel.Locator("[data-step=sent]")).ToHaveTextAsync($"{ConsoleNode.OptedIn:N0}");
        await Expect(funnel.Locator("[data-step=opened]")).ToHaveTextAsync("300");
        await Expect(page.Locator("table.hourly tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.hourly tbody td").Nth(1)).ToHaveTextAsync("300");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-csv"));
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("activity,channel,execution,targeted", csv);
        Assert.Contains("email1,email,total,", csv);
        await ConsoleNode.ScreenshotAsync(page, "4-report");

        // The list shows it with its figures, and filters by state.
        await page.GotoAsync($"{console.BaseUrl}/#/");
        var row = page.Locator("table.list tbody tr", new() { HasText = "Browser sale" });
        await Expect(row).ToContainTextAsync("completed");
        await Expect(row.Locator("td").Nth(5)).ToHaveTextAsync($"{ConsoleNode.OptedIn:N0}");
        await page.SelectOptionAsync("#state-filter", "draft");
        await Expect(page.Locator("table.list tbody tr", new() { HasText = "Browser sale" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_problem_in_the_editor_is_shown_at_the_activity_it_concerns()
    {
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/new");
        await page.SelectOptionAsync("#new-type", "buildAudience");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-filter", "age > 3");
        await Expect(page.Locator("#estimate")).ToContainTextAsync("No estimate");
        await Expect(page.Locator("svg .activity[data-id='buildaudience1'] .badge")).ToHaveTextAsync("1 problem");
        await Expect(page.Locator("#problems")).ToContainTextAsync("$.activities[0].filter");
        await Expect(page.Locator(".panel ul.problems")).ToContainTextAsync("age");

        // An activity moves by keyboard (arrows) as by mouse (drag), and stays where it was put.
        var node = page.Locator("svg .activity[data-id='buildaudience1']");
        var before = await node.GetAttributeAsync("transform");
        await node.FocusAsync();
        for (var i = 0; i < 3; i++)
            await page.Keyboard.PressAsync("ArrowRight");
        await Expect(node).Not.ToHaveAttributeAsync("transform", before!);
        var box = await node.BoundingBoxAsync();
        await page.Mouse.MoveAsync(box!.X + 20, box.Y + 20);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 20, box.Y + 120, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        Assert.True((await node.BoundingBoxAsync())!.Y > box.Y + 60, "the activity did not follow the mouse");

        // Editing the JSON document redraws the canvas: a second activity appears.
        var json = await page.InputValueAsync("#document-json");
        var edited = json.Replace("\"transitions\": []", "\"transitions\": []").Replace("\"activities\": [", "\"activities\": [ { \"id\": \"vip\", \"type\": \"readAudience\", \"audience\": \"vip\" },");
        await page.FillAsync("#document-json", edited);
        await Expect(page.Locator("svg .activity[data-id='vip']")).ToHaveCountAsync(1);
        await ConsoleNode.ScreenshotAsync(page, "5-editor-problem");
    }
}
