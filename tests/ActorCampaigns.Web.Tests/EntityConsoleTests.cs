using System.Net;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>The editor builds canvases over an entity's rows from the kinds' forms: one email per booking, and bookings changed to profiles with an aggregate.</summary>
public sealed class EntityConsoleTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    [Fact]
    public async Task Bookings_sent_one_email_each_and_changed_to_profiles_with_their_sum_are_built_in_the_editor()
    {
        var (imported, answer) = await console.Node.SendAsync(HttpMethod.Post, "/api/entities/bookings/import",
            "id,profileId:link(profiles),amount:number\n1,1,57.25\n2,1,10\n3,2,99.5\n", "text/csv");
        Assert.True(imported == HttpStatusCode.OK, answer.ToString());
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/new");
        await page.FillAsync("#campaign-name", "Bookings");
        await page.SelectOptionAsync("#new-type", "buildAudience");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-entity", "bookings");
        await page.SelectOptionAsync("#new-type", "email");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-content-subject", "Your booking: {{ entity.amount }}");
        await page.SelectOptionAsync("#new-type", "changeDimension");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-aggregates", """[ { "name": "spent", "function": "sum", "column": "amount" } ]""");
        await page.SelectOptionAsync("#new-type", "email");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-content-subject", "You spent {{ spent }}");
        await page.ClickAsync("svg .activity[data-id='buildaudience1']");
        await page.SelectOptionAsync("#connect-to", "email1");
        await page.ClickAsync("#connect");
        await page.SelectOptionAsync("#connect-to", "changedimension1");
        await page.ClickAsync("#connect");
        await page.ClickAsync("svg .activity[data-id='changedimension1']");
        await page.SelectOptionAsync("#connect-to", "email2");
        await page.ClickAsync("#connect");
        await Expect(page.Locator("#problems")).ToHaveTextAsync("No problem: the document is valid.");

        var document = JsonDocument.Parse(await page.InputValueAsync("#document-json")).RootElement;
        var activities = document.GetProperty("activities");
        Assert.Equal(["buildAudience", "email", "changeDimension", "email"], activities.EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        Assert.Equal("bookings", activities[0].GetProperty("entity").GetString());
        Assert.Equal(("profiles", "amount"), (activities[2].GetProperty("to").GetString(), activities[2].GetProperty("aggregates")[0].GetProperty("column").GetString()));

        // A column the bookings do not have, and a booking's column read where profiles arrive, are problems where they are.
        await page.ClickAsync("svg .activity[data-id='changedimension1']");
        await page.FillAsync("#field-aggregates", """[ { "name": "spent", "function": "sum", "column": "price" } ]""");
        await Expect(page.Locator("#problems")).ToContainTextAsync("'price' is not a column of the rows");
        await page.FillAsync("#field-aggregates", """[ { "name": "spent", "function": "sum", "column": "amount" } ]""");
        await page.ClickAsync("svg .activity[data-id='email2']");
        await page.FillAsync("#field-content-subject", "{{ entity.amount }}");
        await Expect(page.Locator("#problems")).ToContainTextAsync("'entity' is the row a message is for, and this activity takes profiles");
        await ConsoleNode.ScreenshotAsync(page, "entity-change-dimension");
    }
}
