using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>A campaign's <c>onError</c>: read, written back, compared, and each mistake a located error.</summary>
public sealed class ErrorPolicyValidationTests
{
    private static ValidationResult Validate(string onError) => CampaignValidator.Validate($$"""
        { "name": "Policy", "onError": {{onError}}, "activities": [ { "id": "all", "type": "buildAudience" },
            { "id": "text", "type": "sms", "content": { "text": "Hi" } } ],
          "transitions": [ { "from": "all", "to": "text" } ] }
        """, ProfileSchema.Core);

    [Fact]
    public void A_document_without_one_suspends_and_tells_no_one()
    {
        var document = CampaignValidator.Validate("""
            { "name": "Plain", "activities": [ { "id": "all", "type": "buildAudience" } ], "transitions": [] }
            """, ProfileSchema.Core).Document!;
        Assert.Null(document.OnError);
        Assert.Equal(new ErrorPolicy(ErrorAction.Suspend, 10, null), document.ErrorPolicy);
        Assert.DoesNotContain("onError", CampaignFormat.Write(document));
    }

    [Fact]
    public void A_policy_reads_back_as_written()
    {
        var result = Validate("""
            { "policy": "ignore", "maxConsecutiveErrors": 3, "notify": { "email": "ops@example.com", "from": "bot@example.com", "webhook": "https://hooks.example.com/x?y=1" } }
            """);
        Assert.Empty(result.Errors);
        var expected = new ErrorPolicy(ErrorAction.Ignore, 3, new ErrorNotify("ops@example.com", "https://hooks.example.com/x?y=1", "bot@example.com"));
        Assert.Equal(expected, result.Document!.OnError);
        Assert.Equal(expected, CampaignFormat.Read(CampaignFormat.Write(result.Document)).OnError);
        Assert.Equal(new ErrorPolicy(ErrorAction.Abort, 10, null), Validate("""{ "policy": "abort" }""").Document!.OnError);
        Assert.Equal(ErrorAction.Suspend, Validate("""{ "maxConsecutiveErrors": 1 }""").Document!.ErrorPolicy.Policy);
    }

    [Theory]
    [InlineData("""{ "policy": "retry" }""", "$.onError.policy", "'retry' is not one of suspend, ignore, abort")]
    [InlineData("""{ "maxConsecutiveErrors": 0 }""", "$.onError.maxConsecutiveErrors", "must be from 1 to 100,000, found 0")]
    [InlineData("""{ "maxConsecutiveErrors": 2.5 }""", "$.onError.maxConsecutiveErrors", "must be a whole number")]
    [InlineData("""{ "policy": "ignore", "when": "always" }""", "$.onError.when", "")]
    [InlineData("""{ "notify": {} }""", "$.onError.notify", "notify needs an email, a webhook, or both")]
    [InlineData("""{ "notify": { "email": "ops@example.com\r\nBcc: x@evil.com" } }""", "$.onError.notify.email", "is not an email address")]
    [InlineData("""{ "notify": { "webhook": "ftp://hooks.example.com" } }""", "$.onError.notify.webhook", "not an absolute http or https URL")]
    [InlineData("""{ "notify": { "webhook": "https://user:pw@hooks.example.com" } }""", "$.onError.notify.webhook", "without credentials")]
    [InlineData("""{ "notify": { "webhook": "https://hooks.example.com", "from": "bot@example.com" } }""", "$.onError.notify.from", "it needs an email")]
    [InlineData("""{ "notify": { "email": "ops@example.com", "sms": "+33600000000" } }""", "$.onError.notify.sms", "")]
    [InlineData("\"abort\"", "$.onError", "must be an object")]
    public void A_wrong_policy_is_a_located_error(string onError, string path, string message) =>
        Assert.Contains(Validate(onError).Errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void A_changed_policy_is_a_difference_of_the_document()
    {
        var (before, after) = (Validate("""{ "policy": "suspend" }""").Document!, Validate("""{ "policy": "abort", "notify": { "email": "ops@example.com" } }""").Document!);
        var change = Assert.Single(CampaignDiff.Between(before, after).Document);
        Assert.Equal("onError", change.Field);
        Assert.Equal(("suspend", "abort"), ((string?)change.Before!["policy"], (string?)change.After!["policy"]));
        Assert.Equal("ops@example.com", (string?)change.After!["notify"]!["email"]);
    }
}
