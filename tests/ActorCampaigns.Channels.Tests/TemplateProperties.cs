using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Templates;
using CsCheck;

namespace ActorCampaigns.Channels.Tests;

/// <summary>
/// Random soups of Liquid (tags, loops, ranges, captures, filters, broken syntax) as an SMS text: validation never
/// throws, and whatever it accepts renders for every profile without an exception, within the render limits, a
/// failure being a reason.
/// </summary>
public sealed class TemplateProperties
{
    private static readonly RenderLimits Limits = new() { MaxSteps = 5_000, MaxCharacters = 50_000, MaxTime = TimeSpan.FromMilliseconds(500) };

    private static readonly ProfileBatch Profiles = new([1, 2], [
        new PopulationColumn("firstName", ExprType.String, ["Ada", null]),
        new PopulationColumn("country", ExprType.String, ["FR", "<b>"]),
    ]);

    private static readonly string[] Pieces =
    [
        "{{ firstName }}", "{{ country | upcase }}", "{{ firstName | default: 'you' }}", "{{ vars.code }}", "{{ campaign.name }}", "{{ nosuch }}",
        "{% assign s = 'xy' %}", "{% assign s = s | append: s %}", "{{ s }}", "{{ s | size }}", "{% capture c %}", "{% endcapture %}", "{{ c }}",
        "{% for i in (1..9) %}", "{% for i in (1..100000) %}", "{% for i in (1..firstName.size) %}", "{% for w in s %}", "{% endfor %}", "{{ i }}",
        "{% if country == 'FR' %}", "{% elsif firstName %}", "{% else %}", "{% endif %}", "{% unless firstName %}", "{% endunless %}",
        "{% case country %}", "{% when 'FR' %}", "{% endcase %}", "{% increment n %}", "{% cycle 'a', 'b' %}", "{% raw %}", "{% endraw %}",
        "{% include 'x' %}", "{% render 'y' %}", "{{ s | split: '' | join: s }}", "{{ 'a,b' | split: ',' | first }}", "{{ 5 | times: 1000000 }}",
        "{{ 'x' | truncate: 3 }}", "{{", "}}", "{%", "%}", "{% for", "text ", "é", " ",
        "{{ 10 | divided_by: 0 }}", "{{ 10 | modulo: 0 }}", "{% for i in (3000000000..3000000001) %}", "{{ 5 | times: 1e19 }}", "{{ 1.5 | round: 99999999999 }}",
        "{{ 'abc' | slice: 99999999999 }}", "{{ 'a' | date: '%Q' }}", "{{ firstName | plus: 1e308 | times: 10 }}",
    ];

    private static readonly Gen<string> Soup = Gen.OneOf(Pieces).Array[1, 12].Select(pieces => string.Concat(pieces));

    [Fact]
    public void Random_Liquid_is_validated_without_an_exception_and_what_validation_accepts_renders_within_its_limits()
    {
        var accepted = 0;
        Soup.Sample(text =>
        {
            var document = $$"""
                { "name": "n", "variables": { "code": "X" },
                  "activities": [ { "id": "all", "type": "buildAudience", "filter": "" }, { "id": "sms", "type": "sms", "content": { "text": {{System.Text.Json.JsonSerializer.Serialize(text)}} } } ],
                  "transitions": [ { "from": "all", "to": "sms" } ] }
                """;
            var result = CampaignValidator.Validate(document, ProfileSchema.Core);
            if (!result.IsValid)
                return;
            accepted++;
            var sms = (ChannelActivity)result.Document!.Activities[1];
            var templates = new MessageTemplates(sms, "c", new Dictionary<string, object?> { ["code"] = "X" }, Limits);
            for (var row = 0; row < Profiles.Count; row++)
            {
                var (content, error) = templates.Render(Profiles, row);
                Assert.True((content is null) != (error is null), $"'{text}': a rendering gives content or a reason");
                Assert.True(content is null || content.Sum(f => f.Value.Length) <= Limits.MaxCharacters, $"'{text}' rendered past the limit");
            }
        }, iter: 3_000, threads: 1);
        Assert.True(accepted > 100, $"only {accepted} soups passed validation: the property tests too little");
    }

    [Fact]
    public void No_literal_range_over_the_limit_passes_validation() =>
        Gen.Select(Gen.Int[-5, 20_000], Gen.Int[0, 30_000]).Sample((from, to) =>
        {
            TemplateNames.TryParse($"{{% for i in ({from}..{to}) %}}{{% endfor %}}", out var parsed, out _);
            var broken = TemplateRules.Broken(parsed).Count > 0;
            Assert.Equal(to - from + 1 > TemplateLimits.MaxRangeItems, broken);
        }, iter: 1_000);
}
