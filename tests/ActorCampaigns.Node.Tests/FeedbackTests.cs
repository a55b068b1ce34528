using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// Provider feedback on a real node is believed only for messages the ledger sent: feedback naming any other message
/// is counted as unknown and changes neither consent nor the report.
/// </summary>
public sealed class FeedbackTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-feedback-").FullName;
    private NodeProcess _node = null!;
    private string _sale = "";
    private string _execution = "";

    public async Task InitializeAsync()
    {
        _node = await NodeProcess.StartAsync(_dataDir);
        // Profiles 1-4 get the email; 5 has no address, so the campaign never targets it.
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/api/profiles/import",
            "id,email,emailOptIn\n1,a@x.io,true\n2,b@x.io,true\n3,c@x.io,true\n4,d@x.io,true\n5,,true\n", "text/csv")).Status);
        _sale = await CampaignRuns.RunAsync(_node, """
            { "name": "Sale", "activities": [
                { "id": "all", "type": "buildAudience", "filter": "email is not null" },
                { "id": "mail", "type": "email", "content": { "from": "shop@example.com", "subject": "Sale", "html": "<p>Sale</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """);
        _execution = (await _node.StatusAsync(_sale)).GetProperty("executions")[0].GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private string Message(long profile, string activity = "mail") => $"{_sale}.{_execution}.{activity}.{profile}";

    private async Task<JsonElement> PostAsync(string events, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, body) = await _node.SendAsync(HttpMethod.Post, "/api/feedback", events);
        Assert.True(status == expected, $"{status}: {body}");
        return body;
    }

    private async Task<string> ReportAsync() =>
        (await _node.Http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{_sale}/report")).GetProperty("channels")[0].GetProperty("total").ToString();

    private async Task<bool> ConsentsAsync(long profile) =>
        (await _node.Http.GetFromJsonAsync<JsonElement>($"/api/profiles/{profile}")).GetProperty("emailOptIn").GetBoolean();

    private static (int Recorded, int Unknown) Counts(JsonElement answer) =>
        (answer.GetProperty("recorded").GetInt32(), answer.GetProperty("unknown").GetInt32());

    [Fact]
    public async Task Complaints_and_bounces_for_messages_never_sent_are_unknown_and_change_no_consent_nor_report()
    {
        var before = await ReportAsync();

        var answers = new[]
        {
            await PostAsync("""[ { "messageId": "c-000000000000.e-9.zz.2", "event": "complaint" } ]"""),
            await PostAsync($$"""[ { "messageId": "{{Message(5)}}", "event": "complaint" } ]"""),
            await PostAsync($$"""[ { "messageId": "{{Message(3, activity: "all")}}", "event": "bounced", "reason": "full" } ]"""),
        };

        Assert.True(await ConsentsAsync(2));
        Assert.True(await ConsentsAsync(5));
        Assert.Equal(before, await ReportAsync());
        Assert.All(answers, answer => Assert.Equal((0, 1), Counts(answer)));
    }

    [Fact]
    public async Task Feedback_for_a_message_sent_is_recorded_beside_unknown_ones()
    {
        var answer = await PostAsync($$"""
            [ { "messageId": "{{Message(3)}}", "event": "bounced", "reason": "mailbox full" },
              { "messageId": "{{Message(4)}}", "event": "complaint", "at": "2026-01-01T00:00:00Z" },
              { "messageId": "{{Message(5)}}", "event": "bounced" } ]
            """);

        Assert.False(await ConsentsAsync(4));
        var report = JsonDocument.Parse(await ReportAsync()).RootElement;
        Assert.Equal((1L, 1L), (report.GetProperty("bounced").GetInt64(), report.GetProperty("unsubscribed").GetInt64()));
        Assert.Equal((3, 1), Counts(answer));
    }

    [Fact]
    public async Task An_at_far_in_the_future_or_too_many_items_refuse_the_whole_body()
    {
        var before = await ReportAsync();

        var future = await PostAsync($$"""
            [ { "messageId": "{{Message(3)}}", "event": "bounced" }, { "messageId": "{{Message(4)}}", "event": "complaint", "at": "9999-12-31T00:00:00Z" } ]
            """, HttpStatusCode.BadRequest);
        Assert.Equal(["$[1].at"], future.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        var many = JsonSerializer.Serialize(Enumerable.Repeat(new { messageId = Message(3), @event = "delivered" }, 10_001));
        var tooMany = await PostAsync(many, HttpStatusCode.BadRequest);
        Assert.Contains("10000", tooMany.GetProperty("title").GetString());

        Assert.True(await ConsentsAsync(4));
        Assert.Equal(before, await ReportAsync());
    }
}
