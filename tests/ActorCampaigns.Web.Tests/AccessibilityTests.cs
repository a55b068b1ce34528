using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>The console by keyboard, on a narrow screen, and under an automated accessibility check (axe: contrast and labels).</summary>
public sealed class AccessibilityTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    private const string Campaign = """
        { "name": "Accessible sale", "activities": [
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "fr", "type": "split", "subsets": [ { "name": "fr", "filter": "country = 'FR'" } ], "complement": true },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi {{ firstName }}", "html": "<p>Hi</p>" } } ],
          "transitions": [ { "from": "optin", "to": "fr" }, { "from": "fr", "port": "fr", "to": "mail" } ] }
        """;

    private static async Task NoViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "rule", Values = ["color-contrast", "label", "button-name", "link-name", "select-name", "image-alt", "aria-valid-attr-value", "document-title", "html-has-lang"] },
        });
        Assert.True(result.Violations.Length == 0, $"{where}: " + string.Join("; ", result.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }

    [Fact]
    public async Task Every_page_passes_the_contrast_and_label_checks()
    {
        var id = await console.CreateAsync(Campaign);
        await console.Node.PublishAsync(id);
        var page = await console.PageAsync();

        await page.GotoAsync($"{console.BaseUrl}/#/");
        await Expect(page.Locator("table.list tbody tr", new() { HasText = "Accessible sale" })).ToHaveCountAsync(1);
        await NoViolationsAsync(page, "campaign list");

        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await Expect(page.Locator("svg .activity[data-id='mail'] .state")).ToHaveTextAsync("completed", new() { Timeout = 30_000 });
        await page.ClickAsync("svg .activity[data-id='fr']");
        await Expect(page.Locator(".panel ul.log")).ToContainTextAsync("completed");
        await NoViolationsAsync(page, "campaign page");

        await page.GotoAsync($"{console.BaseUrl}/#/new");
        await page.ClickAsync("#add-activity");
        await NoViolationsAsync(page, "editor");

        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}/report");
        await Expect(page.Locator("figure.funnel")).ToHaveCountAsync(1);
        await NoViolationsAsync(page, "report");

        await page.GotoAsync($"{console.BaseUrl}/#/node");
        await Expect(page.Locator("#node-members .value")).ToHaveTextAsync("up 1");
        await NoViolationsAsync(page, "node");

        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}/history");
        await Expect(page.Locator("table.versions tbody tr")).ToHaveCountAsync(1);
        await NoViolationsAsync(page, "history");
    }

    [Fact]
    public async Task On_a_narrow_screen_by_keyboard_alone_an_activity_opens_and_the_page_does_not_overflow()
    {
        var id = await console.CreateAsync(Campaign.Replace("Accessible sale", "Narrow sale"));
        var page = await console.PageAsync(390, 844);
        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await Expect(page.Locator("svg .activity")).ToHaveCountAsync(3);

        // Tab from the page's start to the activity 'fr', then Enter: the panel shows it.
        await page.Locator("body").FocusAsync();
        for (var presses = 0; presses < 40 && await page.EvaluateAsync<string?>("document.activeElement?.dataset?.id") != "fr"; presses++)
            await page.Keyboard.PressAsync("Tab");
        Assert.Equal("fr", await page.EvaluateAsync<string?>("document.activeElement?.dataset?.id"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".panel h2")).ToContainTextAsync("fr");
        // Enter on a focused action: the test run starts and the counts come.
        await page.Locator("button[data-action=test]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("svg .transition .count text").First).ToHaveTextAsync("1,500", new() { Timeout = 30_000 });

        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a 390px screen");
        await ConsoleNode.ScreenshotAsync(page, "6-narrow");
        await NoViolationsAsync(page, "campaign page, narrow");
    }
}
