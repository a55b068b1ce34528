using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Channels.Tests;

public class MessageTemplatesTests
{
    private static readonly ProfileBatch Profiles = new([1, 2, 3],
    [
        new PopulationColumn("firstName", ExprType.String, ["Ada", null, "Linus"]),
        new PopulationColumn("vip", ExprType.Bool, [true, false, false]),
    ]);

    private static IReadOnlyList<string> RenderAll(string text)
    {
        var templates = new MessageTemplates(new SmsActivity("text", new SmsContent(text), MessageCategory.Marketing, null), "Spring",
            new Dictionary<string, object?> { ["offer"] = "20%" });
        return Enumerable.Range(0, Profiles.Count).Select(row => templates.Render(Profiles, row).Content!.Single().Value).ToList();
    }

    [Fact]
    public void Each_profile_sees_its_own_values_and_none_of_the_previous_ones()
    {
        Assert.Equal(["Ada: 20% (Spring)", "there: 20% (Spring)", "Linus: 20% (Spring)"],
            RenderAll("{{ firstName | default: 'there' }}: {{ vars.offer }} ({{ campaign.name }})"));
    }

    [Fact]
    public void What_a_template_assigns_for_one_profile_is_not_seen_by_the_next()
    {
        Assert.Equal(["Dear VIP Ada", "Hi", "Hi Linus"],
            RenderAll("{% if vip %}{% assign greeting = 'Dear VIP' %}{% endif %}{{ greeting | default: 'Hi' }}{% if firstName %} {{ firstName }}{% endif %}"));
    }

    [Fact]
    public void Values_are_HTML_encoded_in_an_email_html_and_written_as_they_are_elsewhere()
    {
        var batch = new ProfileBatch([1], [new PopulationColumn("firstName", ExprType.String, ["<b>Zoë</b> & \"co\""])]);
        var email = new EmailActivity("mail", new EmailContent("shop@example.com", "Hi {{ firstName }}", "<p>Hi {{ firstName }}</p>", "Hi {{ firstName }}"),
            MessageCategory.Marketing, null);
        var content = new MessageTemplates(email, "c", new Dictionary<string, object?>()).Render(batch, 0).Content!.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("<p>Hi &lt;b&gt;Zoë&lt;/b&gt; &amp; &quot;co&quot;</p>", content["html"]);
        Assert.Equal(("Hi <b>Zoë</b> & \"co\"", "Hi <b>Zoë</b> & \"co\""), (content["subject"], content["text"]));
    }

    private static (IReadOnlyList<KeyValuePair<string, string>>? Content, string? Error) RenderOnce(string text, RenderLimits? limits = null,
        CancellationToken cancellationToken = default) =>
        new MessageTemplates(new SmsActivity("text", new SmsContent(text), MessageCategory.Marketing, null), "c", new Dictionary<string, object?>(), limits)
            .Render(Profiles, 0, cancellationToken);

    [Theory]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}", "the range (1..100000000) has more than 10,000 items")]
    [InlineData("{% for a in (1..10000) %}{% for b in (1..10000) %}{% for c in (1..10000) %}{% endfor %}{% endfor %}{% endfor %}", "more than 100,000 steps")]
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s }}", "longer than 1,000,000 characters")]
    [InlineData("{% for i in (1..10000) %}{{ 'x' | append: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' }}{% endfor %}",
        "longer than 1,000,000 characters")]
    [InlineData("{% capture c %}{% for i in (1..10000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endcapture %}",
        "longer than 1,000,000 characters")]
    [InlineData("{% for i in (1..firstName.size) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}", "has more than 10,000 items")]
    public void A_template_past_a_limit_fails_its_message_quickly_and_within_bounded_memory(string text, string reason)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var (content, error) = RenderOnce(text);
        Assert.Null(content);
        Assert.Contains(reason, error);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 200_000_000, "rendering allocated more than 200 MB");
    }

    [Theory]
    [InlineData("{{ 10 | divided_by: 0 }}")]
    [InlineData("{% for i in (3000000000..3000000001) %}x{% endfor %}")]
    [InlineData("{{ 1.5 | round: 99999999999 }}")]
    public void A_template_that_throws_for_a_profile_fails_that_message_with_a_reason(string text)
    {
        var (content, error) = RenderOnce(text);
        Assert.Null(content);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void The_steps_of_one_message_do_not_count_against_the_next()
    {
        var templates = new MessageTemplates(new SmsActivity("text", new SmsContent("{% for i in (1..600) %}{% endfor %}ok"), MessageCategory.Marketing, null), "c",
            new Dictionary<string, object?>(), new RenderLimits { MaxSteps = 1_000 });
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("ok", templates.Render(Profiles, 0).Content!.Single().Value));
    }

    [Fact]
    public void Rendering_past_its_time_fails_the_message()
    {
        var (_, error) = RenderOnce("{% for i in (1..10000) %}{{ 'abc' | upcase | downcase | upcase }}{% endfor %}", new RenderLimits { MaxTime = TimeSpan.Zero });
        Assert.Contains("rendering took longer than 0 ms", error);
    }

    [Fact]
    public void A_stopped_activity_stops_rendering_by_throwing_not_by_failing_the_message()
    {
        Assert.Throws<OperationCanceledException>(() => RenderOnce("{{ firstName }}", cancellationToken: new CancellationToken(canceled: true)));
    }
}
