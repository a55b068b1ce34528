using System.Text;
using static Microsoft.Playwright.Assertions;

namespace ActorCampaigns.Web.Tests;

/// <summary>A 40-activity campaign renders whole and the page stays responsive while its counts stream in.</summary>
public sealed class LargeCanvasTests(ConsoleNode console) : IClassFixture<ConsoleNode>
{
    /// <summary>One audience into 13 branches of enrich → split → saveAudience: 40 activities, 39 transitions.</summary>
    private static string FortyActivities()
    {
        var activities = new List<string> { """{ "id": "all", "type": "buildAudience", "filter": "emailOptIn" }""" };
        var transitions = new List<string>();
        for (var b = 1; b <= 13; b++)
        {
            activities.Add($$"""{ "id": "enrich{{b}}", "type": "enrich", "columns": { "score": "id + {{b}}" } }""");
            activities.Add($$"""{ "id": "split{{b}}", "type": "split", "subsets": [ { "name": "low", "filter": "score > {{b * 100}}" } ], "complement": true }""");
            activities.Add($$"""{ "id": "save{{b}}", "type": "saveAudience", "audience": "band-{{b}}" }""");
            transitions.Add($$"""{ "from": "all", "to": "enrich{{b}}" }""");
            transitions.Add($$"""{ "from": "enrich{{b}}", "to": "split{{b}}" }""");
            transitions.Add($$"""{ "from": "split{{b}}", "port": "low", "to": "save{{b}}" }""");
        }
        return new StringBuilder("{ \"name\": \"Forty activities\", \"activities\": [")
            .AppendJoin(",", activities).Append("], \"transitions\": [").AppendJoin(",", transitions).Append("] }").ToString();
    }

    [Fact]
    public async Task Forty_activities_render_and_a_click_answers_quickly_while_counts_update()
    {
        var id = await console.CreateAsync(FortyActivities());
        var page = await console.PageAsync();
        // Long tasks (over 50 ms on the main thread) are what make a page feel stuck: record them all.
        await page.AddInitScriptAsync("""
            window.longTasks = [];
            new PerformanceObserver(list => list.getEntries().forEach(e => window.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
            """);
        await page.GotoAsync($"{console.BaseUrl}/#/campaigns/{id}");
        await Expect(page.Locator("svg .activity")).ToHaveCountAsync(40);
        await Expect(page.Locator("svg .transition")).ToHaveCountAsync(39);

        // Clicks on activities while the run's counts stream in (40 activities, batches of 100 profiles).
        await console.Node.PublishAsync(id);
        var clicks = new List<double>();
        for (var b = 1; b <= 13; b++)
        {
            var started = DateTime.UtcNow;
            await page.ClickAsync($"svg .activity[data-id='split{b}']");
            await Expect(page.Locator(".panel h2")).ToContainTextAsync($"split{b}");
            clicks.Add((DateTime.UtcNow - started).TotalMilliseconds);
        }
        await Expect(page.Locator(".title .pill")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Expect(page.Locator("svg .activity.state-completed")).ToHaveCountAsync(40);
        await ConsoleNode.ScreenshotAsync(page, "7-forty-activities");

        var longTasks = await page.EvaluateAsync<double[]>("window.longTasks");
        Assert.True(clicks.Max() < 1_000, $"a click took {clicks.Max():0} ms to show its activity ({string.Join(", ", clicks.Select(c => c.ToString("0")))})");
        var longest = longTasks.DefaultIfEmpty(0).Max();
        Assert.True(longest < 250, $"the main thread was blocked {longest:0} ms at once ({longTasks.Length} long tasks)");
    }
}
