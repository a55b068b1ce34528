using System.Net;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>Issue 22, point 4: a campaign's history in the console, the changes between two versions marked on the canvas and written out.</summary>
public sealed class HistoryConsoleTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    private const string First = """
        { "name": "Edited sale", "activities": [
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
            { "id": "keep", "type": "saveAudience", "audience": "edited" } ],
          "transitions": [ { "from": "optin", "to": "mail" }, { "from": "optin", "to": "keep" } ] }
        """;

    [Fact]
    public async Task The_history_lists_each_version_and_marks_what_changed_between_the_two_chosen()
    {
        var id = await console.CreateAsync(First);
        // Version 2: the filter changes, a wait comes before the email, the audience is saved no more.
        var second = First.Replace("\"filter\": \"emailOptIn\"", "\"filter\": \"emailOptIn and country = 'FR'\"")
            .Replace("""{ "id": "keep", "type": "saveAudience", "audience": "edited" } ],""", """{ "id": "later", "type": "wait", "duration": "PT1H" } ],""")
            .Replace("""{ "from": "optin", "to": "mail" }, { "from": "optin", "to": "keep" }""", """{ "from": "optin", "to": "later" }, { "from": "later", "to": "mail" }""");
        Assert.Equal(HttpStatusCode.OK, (await console.Node.SendAsync(HttpMethod.Put, $"/api/campaigns/{id}", second)).Status);
        // Version 3: only the name.
        Assert.Equal(HttpStatusCode.OK, (await console.Node.SendAsync(HttpMethod.Put, $"/api/campaigns/{id}", second.Replace("Edited sale", "Edited sale, again"))).Status);

        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await page.ClickAsync("text=History");
        await Expect(page.Locator("h1")).ToHaveTextAsync("History: Edited sale, again");
        await Expect(page.Locator("table.versions tbody tr")).ToHaveCountAsync(3);
        // By default the last change: the name only, nothing marked on the canvas.
        await Expect(page.Locator("#history-changes li")).ToHaveTextAsync(["Campaign name: \"Edited sale\" → \"Edited sale, again\""]);
        await Expect(page.Locator("svg .activity.diff-added, svg .activity.diff-changed")).ToHaveCountAsync(0);

        await page.SelectOptionAsync("#history-from", "1");
        await page.SelectOptionAsync("#history-to", "2");
        await page.ClickAsync("#history-show");
        await Expect(page.Locator("svg .activity[data-id='later']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bdiff-added\b"));
        await Expect(page.Locator("svg .activity[data-id='later'] .badge")).ToHaveTextAsync("added");
        await Expect(page.Locator("svg .activity[data-id='optin']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bdiff-changed\b"));
        await Expect(page.Locator("svg .activity[data-id='optin'] .badge")).ToHaveTextAsync("changed");
        await Expect(page.Locator("svg .activity[data-id='mail']")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bdiff-"));
        await Expect(page.Locator("svg .activity[data-id='keep']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#history-changes li[data-activity='optin'] li")).ToHaveTextAsync(["filter: \"emailOptIn\" → \"emailOptIn and country = 'FR'\""]);
        await Expect(page.Locator("#history-changes li[data-change='removed']")).ToHaveTextAsync("Activity keep removed");
        await Expect(page.Locator("#history-changes li[data-change='transition-added']")).ToHaveTextAsync(
            ["Transition optin.out → later added", "Transition later.out → mail added"]);
        await Expect(page.Locator("#history-changes li[data-change='transition-removed']")).ToHaveTextAsync(
            ["Transition optin.out → mail removed", "Transition optin.out → keep removed"]);
        await ConsoleNode.ScreenshotAsync(page, "campaign-history");
    }
}
