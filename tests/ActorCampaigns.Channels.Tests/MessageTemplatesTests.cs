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
}
