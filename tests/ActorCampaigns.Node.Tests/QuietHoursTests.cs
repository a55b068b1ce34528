using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// SMS quiet hours from 21:00 to 08:00 (UTC) on a node process whose clock the test moves to 22:00: a marketing SMS
/// waits until 08:00 (its activity waiting, as a wait does) and then leaves, an activity that drops them excludes every profile as <c>quietHours</c>, and a
/// transactional SMS passes at once.
/// </summary>
public sealed class QuietHoursTests() : ClockedNode("quiet", ("QuietHours__Sms__From", "21:00"), ("QuietHours__Sms__To", "08:00"),
    ("QuietHours__Sms__Action", "hold"))
{
    private const int Profiles = 300;

    private static string Canvas(string name, string options = "") => $$"""
        { "name": "{{name}}", "activities": [ { "id": "all", "type": "buildAudience" },
            { "id": "text", "type": "sms"{{options}}, "content": { "text": "{{name}}" } } ],
          "transitions": [ { "from": "all", "to": "text" } ] }
        """;

    private async Task<JsonElement> CompletedAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement status;
        while ((status = await Node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("state").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"{id} did not complete: {status}");
            await Task.Delay(100);
        }
        return status.GetProperty("executions")[0].GetProperty("activities").GetProperty("text");
    }

    [Fact]
    public async Task A_marketing_sms_waits_for_eight_a_dropping_activity_excludes_them_and_a_transactional_one_passes()
    {
        var csv = new StringBuilder("id,phone,smsOptIn\n");
        for (var i = 0; i < Profiles; i++)
            csv.Append($"{13 * i + 2},+3361234{i:D4},true\n");
        Assert.Equal(HttpStatusCode.OK, (await Node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var now = await AdvanceAsync(TimeSpan.Zero);
        var ten = new DateTimeOffset(now.UtcDateTime.Date.AddHours(22), TimeSpan.Zero);
        if (ten <= now)
            ten = ten.AddDays(1);
        await AdvanceAsync(ten - now);

        var held = await CampaignRuns.PublishAsync(Node, Canvas("Held"));
        var dropped = await CampaignRuns.PublishAsync(Node, Canvas("Dropped", """, "quietHours": { "from": "21:00", "to": "08:00", "action": "drop" }"""));
        var transactional = await CampaignRuns.PublishAsync(Node, Canvas("Receipt", """, "category": "transactional" """));

        var drop = await CompletedAsync(dropped);
        Assert.Equal((0L, (long)Profiles), (drop.GetProperty("out").GetProperty("out").GetInt64(), drop.GetProperty("excluded").GetProperty("quietHours").GetInt64()));
        Assert.Empty(Outbox("sms", dropped));
        var receipt = await CompletedAsync(transactional);
        Assert.Equal((long)Profiles, receipt.GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(Profiles, Outbox("sms", transactional).Count);
        await Task.Delay(2_000);
        Assert.Empty(Outbox("sms", held));
        // The run ended at its first batch and waits for 08:00 (it holds no slot and no data read at 22:00).
        var waiting = (await Node.StatusAsync(held)).GetProperty("executions")[0];
        var text = waiting.GetProperty("activities").GetProperty("text");
        Assert.Equal(("waiting", "waiting", ten.AddHours(10).UtcDateTime), (waiting.GetProperty("state").GetString(), text.GetProperty("state").GetString(),
            text.GetProperty("later").GetProperty("until").GetDateTime().ToUniversalTime()));

        // 08:01: the quiet hours are over and the held messages leave, each once.
        await AdvanceAsync(ten.AddHours(10).AddMinutes(1) - await AdvanceAsync(TimeSpan.Zero));
        var sent = await CompletedAsync(held);
        Assert.Equal(((long)Profiles, false), (sent.GetProperty("out").GetProperty("out").GetInt64(), sent.GetProperty("excluded").TryGetProperty("quietHours", out _)));
        Assert.Equal(Profiles, Outbox("sms", held).Count);
    }
}
