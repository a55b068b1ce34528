using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A channel's maximum send duration and quiet hours written wrong: each a located error.</summary>
public sealed class ChannelTimingValidationTests
{
    private static IReadOnlyList<ValidationError> ErrorsOf(string field) => CampaignValidator.Validate($$"""
        { "name": "Night", "activities": [ { "id": "all", "type": "buildAudience" },
            { "id": "text", "type": "sms", {{field}}, "content": { "text": "Hi" } } ],
          "transitions": [ { "from": "all", "to": "text" } ] }
        """, ProfileSchema.Core).Errors;

    [Theory]
    [InlineData("""{ "from": "25:00", "to": "08:00" }""", "$.activities[1].quietHours.from", "'25:00' is not a time of day written HH:mm")]
    [InlineData("""{ "from": "21:00", "to": "8h" }""", "$.activities[1].quietHours.to", "'8h' is not a time of day")]
    [InlineData("""{ "from": "21:00", "to": "21:00" }""", "$.activities[1].quietHours", "from and to must differ")]
    [InlineData("""{ "from": "21:00", "to": "08:00", "action": "delay" }""", "$.activities[1].quietHours.action", "'delay' is not one of hold, drop, ignore")]
    [InlineData("""{ "from": "21:00" }""", "$.activities[1].quietHours.to", "is required")]
    public void Wrong_quiet_hours_are_a_located_error(string quietHours, string path, string message) =>
        Assert.Contains(ErrorsOf($"\"quietHours\": {quietHours}"), e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void Quiet_hours_read_back_as_written_and_ignore_needs_no_hours()
    {
        Assert.Empty(ErrorsOf("""
            "quietHours": { "action": "ignore" }
            """));
        var document = CampaignValidator.Validate("""
            { "name": "Night", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "text", "type": "sms", "quietHours": { "from": "22:30", "to": "07:00", "action": "drop" }, "content": { "text": "Hi" } } ],
              "transitions": [ { "from": "all", "to": "text" } ] }
            """, ProfileSchema.Core).Document!;
        var quiet = ((ChannelActivity)CampaignValidator.Validate(CampaignFormat.Write(document), ProfileSchema.Core).Document!.Activities[1]).QuietHours!;
        Assert.Equal(new Domain.Time.QuietHours(new TimeOnly(22, 30), new TimeOnly(7, 0), Domain.Time.QuietAction.Drop), quiet.Window);
        Assert.True(quiet.Window!.Holds(new TimeOnly(23, 0)) && quiet.Window.Holds(new TimeOnly(6, 59)) && !quiet.Window.Holds(new TimeOnly(7, 0)));
    }

    [Theory]
    [InlineData("PT0S", "a maximum send duration must be longer than zero")]
    [InlineData("12 hours", "ISO 8601")]
    public void A_wrong_maximum_duration_is_a_located_error(string duration, string message)
    {
        var errors = CampaignValidator.Validate($$"""
            { "name": "Flash", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "mail", "type": "email", "maxDuration": "{{duration}}", "content": { "from": "s@example.com", "subject": "S", "html": "<p>S</p>" } } ],
              "transitions": [ { "from": "all", "to": "mail" } ] }
            """, ProfileSchema.Core).Errors;
        Assert.Contains(errors, e => e.Path == "$.activities[1].maxDuration" && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
