using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>The editor builds a canvas that loads a file and reconciles it, from the kinds' forms, and shows its problems where they are.</summary>
public sealed class FileConsoleTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    [Fact]
    public async Task A_file_loaded_and_reconciled_in_the_editor_brings_its_columns_to_the_email()
    {
        var page = await console.PageAsync();
        await page.GotoAsync($"{console.BaseUrl}/#/new");
        await page.FillAsync("#campaign-name", "Bookings file");
        await page.SelectOptionAsync("#new-type", "loadFile");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-file", "bookings.csv");
        await page.FillAsync("#field-columns", """{ "email": "string", "amount": "number" }""");
        await page.FillAsync("#field-onError-maxErrors", "10");
        await page.SelectOptionAsync("#new-type", "reconciliation");
        await page.ClickAsync("#add-activity");
        await page.SelectOptionAsync("#new-type", "email");
        await page.ClickAsync("#add-activity");
        await page.FillAsync("#field-content-subject", "Your booking: {{ amount }}");
        await page.ClickAsync("svg .activity[data-id='loadfile1']");
        await page.SelectOptionAsync("#connect-to", "reconciliation1");
        await page.ClickAsync("#connect");
        // The reconciliation's form offers its two ports; the profiles matched go to the email.
        await page.ClickAsync("svg .activity[data-id='reconciliation1']");
        await Expect(page.Locator("#connect-port option")).ToHaveTextAsync(["matched", "unmatched"]);
        await page.SelectOptionAsync("#connect-port", "matched");
        await page.SelectOptionAsync("#connect-to", "email1");
        await page.ClickAsync("#connect");
        await Expect(page.Locator("#problems")).ToHaveTextAsync("No problem: the document is valid.");

        var document = JsonDocument.Parse(await page.InputValueAsync("#document-json")).RootElement;
        var activities = document.GetProperty("activities");
        Assert.Equal(["loadFile", "reconciliation", "email"], activities.EnumerateArray().Select(a => a.GetProperty("type").GetString()));
        Assert.Equal(10, activities[0].GetProperty("onError").GetProperty("maxErrors").GetInt32());
        Assert.Equal("number", activities[0].GetProperty("columns").GetProperty("amount").GetString());
        Assert.Equal("email", activities[1].GetProperty("keys")[0].GetProperty("attribute").GetString());
        Assert.Equal("matched", document.GetProperty("transitions")[1].GetProperty("port").GetString());

        // A column that would ride along under a profile attribute's name is a problem shown at the reconciliation.
        await page.ClickAsync("svg .activity[data-id='loadfile1']");
        await page.FillAsync("#field-columns", """{ "email": "string", "amount": "number", "country": "string" }""");
        await Expect(page.Locator("#problems")).ToContainTextAsync("'loadfile1' declares 'country', which rides along with the profiles matched");
        await ConsoleNode.ScreenshotAsync(page, "file-reconciliation");
    }
}
