using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// An email naming a conversion event: the report counts the profiles who had one within the attribution window after
/// their message, once each, with the events' value; events before the message, after the window, or of another name
/// do not count. On a node process whose clock the test moves forward.
/// </summary>
public sealed class ConversionReportTests() : ClockedNode("conversions")
{
    private async Task EventsAsync(string events)
    {
        var (status, body) = await Node.SendAsync(HttpMethod.Post, "/api/events", events);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    [Fact]
    public async Task The_report_counts_who_converted_within_the_window_after_the_message_with_the_value()
    {
        Assert.Equal(HttpStatusCode.OK, (await Node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,emailOptIn\n11,a@x.io,true\n22,b@x.io,true\n33,c@x.io,true\n44,d@x.io,true\n55,e@x.io,true\n66,,true\n", "text/csv")).Status);
        var before = (await Node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=PT1S")).Body.GetProperty("now").GetDateTimeOffset();
        var id = await CampaignRuns.RunAsync(Node, """
            { "name": "Sale", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "email is not null" },
                { "id": "mail", "type": "email", "conversion": { "event": "purchase", "window": "P7D" },
                  "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        // 11 buys twice after its email; 22 bought before it; 33 signed up (another event); 55 buys six days later,
        // 44 eight days later (past the window).
        await EventsAsync($$"""
            [ { "profileId": 11, "name": "purchase", "value": 10 }, { "profileId": 11, "name": "purchase", "value": 5.5 },
              { "profileId": 22, "name": "purchase", "value": 99, "at": "{{before.AddMinutes(-5):O}}" },
              { "profileId": 33, "name": "signup", "value": 1 } ]
            """);
        await Node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P6D");
        await EventsAsync("""[ { "profileId": 55, "name": "purchase", "value": 7 } ]""");
        await Node.SendAsync(HttpMethod.Post, "/testing/clock/advance?by=P2D");
        await EventsAsync("""[ { "profileId": 44, "name": "purchase", "value": 1000 } ]""");

        var report = await Node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/report");
        var mail = report.GetProperty("channels")[0];
        Assert.Equal("purchase", mail.GetProperty("conversion").GetProperty("event").GetString());
        var total = mail.GetProperty("total");
        Assert.Equal((5L, 2L, 22.5, 0.4), (total.GetProperty("sent").GetInt64(), total.GetProperty("converted").GetInt64(),
            total.GetProperty("conversionValue").GetDouble(), total.GetProperty("conversionRate").GetDouble()));
        var csv = await Node.Http.GetStringAsync($"/api/campaigns/{id}/report?format=csv");
        var (header, row) = (csv.Split('\n')[0].Split(','), csv.Split('\n')[1].Split(','));
        Assert.Equal(["2", "22.5", "0.4"], new[] { "converted", "conversionValue", "conversionRate" }.Select(c => row[Array.IndexOf(header, c)]));
    }
}
