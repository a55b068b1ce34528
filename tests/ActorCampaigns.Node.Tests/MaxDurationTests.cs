using System.Net;
using System.Text;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// A channel whose throttle is too slow to send its population within its maximum send duration, on a node process
/// whose clock the test moves past it: what was not sent by then is excluded as <c>expired</c>, exactly, and the
/// activity completes.
/// </summary>
public sealed class MaxDurationTests() : ClockedNode("maxduration")
{
    private const int Profiles = 1_000;

    [Fact]
    public async Task What_is_not_sent_within_the_maximum_duration_is_excluded_as_expired_and_the_activity_completes()
    {
        var csv = new StringBuilder("id,email,emailOptIn\n");
        for (var i = 0; i < Profiles; i++)
            csv.Append($"{11 * i + 5},p{i}@example.com,true\n");
        Assert.Equal(HttpStatusCode.OK, (await Node.SendAsync(HttpMethod.Post, "/api/profiles/import", csv.ToString(), "text/csv")).Status);
        var id = await CampaignRuns.PublishAsync(Node, """
            { "name": "Flash sale", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "throttle": 20, "maxDuration": "PT10M",
                  "content": { "from": "s@example.com", "subject": "Two hours only", "html": "<p>Now</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);

        // At 20 a second the thousand would take 50 s: some go, then the ten minutes pass.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Outbox("email", id).Count < 40)
        {
            Assert.True(DateTime.UtcNow < deadline, "nothing was sent");
            await Task.Delay(50);
        }
        await AdvanceAsync(TimeSpan.FromMinutes(11));
        JsonElement status;
        while ((status = await Node.StatusAsync(id)).GetProperty("executions")[0].GetProperty("state").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline.AddSeconds(30), $"the activity did not complete: {status}");
            await Task.Delay(100);
        }
        var mail = status.GetProperty("executions")[0].GetProperty("activities").GetProperty("mail");
        var sent = Outbox("email", id);
        var expired = mail.GetProperty("excluded").GetProperty("expired").GetInt64();
        Assert.Equal(sent.Count, sent.Select(m => m.GetProperty("profileId").GetInt64()).Distinct().Count());
        Assert.Equal((long)sent.Count, mail.GetProperty("out").GetProperty("out").GetInt64());
        Assert.Equal(Profiles - sent.Count, expired);
        Assert.InRange(sent.Count, 40, Profiles / 2);
    }
}
