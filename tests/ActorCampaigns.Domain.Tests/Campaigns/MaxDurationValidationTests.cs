using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A channel's maximum send duration: an ISO 8601 duration longer than zero, or a located error.</summary>
public sealed class MaxDurationValidationTests
{
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
