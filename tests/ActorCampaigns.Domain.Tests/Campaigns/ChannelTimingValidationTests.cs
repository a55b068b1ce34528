using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A channel's maximum send duration, quiet hours and local send time written wrong: each a located error.</summary>
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

    [Theory]
    [InlineData("""{ "localTime": "25:00" }""", "$.activities[1].sendAt.localTime", "'25:00' is not a time of day written HH:mm")]
    [InlineData("""{ "localTime": "9:30" }""", "$.activities[1].sendAt.localTime", "'9:30' is not a time of day")]
    [InlineData("""{ "localTime": "" }""", "$.activities[1].sendAt.localTime", "'' is not a time of day")]
    [InlineData("""{ "days": ["mon"] }""", "$.activities[1].sendAt.localTime", "is required")]
    [InlineData("""{ "localTime": "09:30", "days": ["mon", "funday"] }""", "$.activities[1].sendAt.days[1]", "'funday' is not a day's name (mon, tue")]
    [InlineData("""{ "localTime": "09:30", "days": [1] }""", "$.activities[1].sendAt.days[0]", "must be a day's name")]
    [InlineData("""{ "localTime": "09:30", "days": [] }""", "$.activities[1].sendAt.days", "names no day")]
    [InlineData("""{ "localTime": "09:30", "zone": "Europe/Paris" }""", "$.activities[1].sendAt.zone", "unknown field 'zone' for sendAt")]
    public void A_wrong_local_send_time_is_a_located_error(string sendAt, string path, string message) =>
        Assert.Contains(ErrorsOf($"\"sendAt\": {sendAt}"), e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void A_local_send_time_reads_back_as_written_and_comes_on_its_days_only()
    {
        var document = CampaignValidator.Validate("""
            { "name": "Morning", "activities": [ { "id": "all", "type": "buildAudience" },
                { "id": "text", "type": "sms", "sendAt": { "localTime": "09:30", "days": ["mon", "fri"] }, "content": { "text": "Hi" } } ],
              "transitions": [ { "from": "all", "to": "text" } ] }
            """, ProfileSchema.Core).Document!;
        var sendAt = ((ChannelActivity)CampaignValidator.Validate(CampaignFormat.Write(document), ProfileSchema.Core).Document!.Activities[1]).SendAt!;
        Assert.Equal(["mon", "fri"], sendAt.Days);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        // Saturday 28 November 2026, noon UTC: the next Monday or Friday 09:30 in Paris is Monday's, 08:30 UTC (CET).
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 30, 0, TimeSpan.Zero), sendAt.Time.Next(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), paris));
        // At 09:30 sharp it is now; a minute later, Friday's.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 30, 0, TimeSpan.Zero), sendAt.Time.Next(new DateTimeOffset(2026, 11, 30, 8, 30, 0, TimeSpan.Zero), paris));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 8, 30, 0, TimeSpan.Zero), sendAt.Time.Next(new DateTimeOffset(2026, 11, 30, 8, 31, 0, TimeSpan.Zero), paris));
    }

    [Fact]
    public void A_local_time_the_clock_skips_comes_at_the_shift_and_one_it_repeats_comes_once()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var half = new Domain.Time.LocalSendTime(new TimeOnly(2, 30), Enum.GetValues<DayOfWeek>());
        // 28 March 2027: 02:00 CET jumps to 03:00 CEST; 02:30 never happens and comes at the shift, 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 0, 0, TimeSpan.Zero), half.Next(new DateTimeOffset(2027, 3, 27, 12, 0, 0, TimeSpan.Zero), paris));
        // 31 October 2027: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice and comes the first time, 00:30 UTC.
        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), half.Next(new DateTimeOffset(2027, 10, 30, 12, 0, 0, TimeSpan.Zero), paris));
        Assert.Equal(new DateTimeOffset(2027, 11, 1, 1, 30, 0, TimeSpan.Zero), half.Next(new DateTimeOffset(2027, 10, 31, 0, 31, 0, TimeSpan.Zero), paris));
    }
}
