using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A daily campaign on a node process whose clock jumps 8 days ahead, as after 8 days down: under the default catch-up
/// policy it sends once, not 8 times, and logs the occurrences it skipped.
/// </summary>
public sealed class CatchUpTests() : ClockedNode("catchup")
{
    private async Task<JsonElement> ExecutionsAsync(string id) => (await Node.StatusAsync(id)).GetProperty("executions");

    [Fact]
    public async Task A_daily_campaign_back_after_eight_days_sends_once_and_logs_what_it_skipped()
    {
        Assert.Equal(HttpStatusCode.OK, (await Node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,emailOptIn\n17,a@x.io,true\n29,b@x.io,true\n31,c@x.io,true\n", "text/csv")).Status);
        var id = await CampaignRuns.PublishAsync(Node, """
            { "name": "Daily digest", "schedule": { "type": "recurring", "cron": "0 9 * * *", "timeZone": "UTC" },
              "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "content": { "from": "d@example.com", "subject": "Digest", "html": "<p>Digest</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);

        // To one minute past the next 09:00: the first occurrence runs.
        var now = await AdvanceAsync(TimeSpan.Zero);
        var nine = new DateTimeOffset(now.UtcDateTime.Date.AddHours(9), TimeSpan.Zero);
        if (nine <= now)
            nine = nine.AddDays(1);
        await AdvanceAsync(nine - now + TimeSpan.FromMinutes(1));
        await AwaitAsync(id, executions => executions.GetArrayLength() == 1 && executions[0].GetProperty("state").GetString() == "completed");

        // Eight days later: one execution, for the latest occurrence, and the seven before it skipped.
        await AdvanceAsync(TimeSpan.FromDays(8));
        await AwaitAsync(id, executions => executions.GetArrayLength() >= 2 && executions[0].GetProperty("state").GetString() == "completed");
        await Task.Delay(3_000);
        var executions = await ExecutionsAsync(id);
        Assert.Equal(2, executions.GetArrayLength());
        var lines = (await Node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/logs")).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Contains(lines, l => l.StartsWith($"skipped 7 occurrences due from {nine.AddDays(1).UtcDateTime:yyyy-MM-ddTHH:mm:ss}", StringComparison.Ordinal)
            && l.EndsWith("(catchUp latest)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"for the occurrence due {nine.AddDays(8).UtcDateTime:yyyy-MM-ddTHH:mm:ss}", StringComparison.Ordinal));
        var messages = File.ReadAllLines(Path.Combine(DataDir, "outbox", "email.jsonl"));
        Assert.Equal(6, messages.Length);
    }

    private async Task AwaitAsync(string id, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition(await ExecutionsAsync(id)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{await Node.StatusAsync(id)}");
            await Task.Delay(100);
        }
    }
}
