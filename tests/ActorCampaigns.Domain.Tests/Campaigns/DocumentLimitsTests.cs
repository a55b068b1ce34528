using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Templates;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>What a hostile or careless document meets at validation, before anything runs.</summary>
public class DocumentLimitsTests
{
    private static IReadOnlyList<ValidationError> ErrorsOf(string json) => CampaignValidator.Validate(json, ProfileSchema.Core).Errors;

    private static string WithSubject(string subject) => Documents.WinterSaleWith(d => d.Activity("mail")["content"]!["subject"] = subject);

    private static ValidationError Single(string json)
    {
        var errors = ErrorsOf(json);
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        return errors[0];
    }

    [Theory]
    [InlineData("{% include '/etc/passwd' %}", "'{% include %}' is not supported")]
    [InlineData("{% render 'header' %}", "'{% render %}' is not supported")]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}", "the range (1..100000000) has more than 10,000 items")]
    [InlineData("{% assign r = (1..20000) %}{{ r | size }}", "the range (1..20000) has more than 10,000 items")]
    public void A_template_that_reads_files_or_loops_over_a_huge_range_is_refused_at_its_path(string subject, string message)
    {
        var error = Single(WithSubject(subject));
        Assert.Equal("$.activities[5].content.subject", error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Ranges_within_the_limit_and_ranges_over_attributes_pass_validation()
    {
        Assert.Empty(ErrorsOf(WithSubject("{% for i in (1..10000) %}{{ i }}{% endfor %}{% for i in (1..firstName.size) %}.{% endfor %}")));
    }

    [Fact]
    public void A_template_over_the_size_limit_is_refused()
    {
        var error = Single(WithSubject(new string('x', TemplateLimits.MaxTemplateCharacters + 1)));
        Assert.Equal("$.activities[5].content.subject", error.Path);
        Assert.Contains("more than the 100,000 allowed", error.Message);
    }

    [Fact]
    public void A_canvas_of_more_activities_than_allowed_is_refused_with_one_error()
    {
        var json = Documents.WinterSaleWith(d =>
        {
            for (var i = 0; i < CampaignLimits.MaxActivities; i++)
            {
                d.Activities().Add(JsonNode.Parse($$"""{ "id": "f{{i}}", "type": "fork" }"""));
                d.Transitions().Add(JsonNode.Parse($$"""{ "from": "{{(i == 0 ? "fr" : $"f{i - 1}")}}", "to": "f{{i}}" }"""));
            }
        });
        var error = Single(json);
        Assert.Equal("$.activities", error.Path);
        Assert.Contains("at most 500 activities, this one has 510", error.Message);
    }

    [Fact]
    public void A_key_given_twice_is_refused_at_its_path_rather_than_the_last_one_winning()
    {
        var json = Documents.WinterSale.Replace("\"filter\": \"country = 'FR' and emailOptIn\"",
            "\"filter\": \"nosuchattribute = 1\", \"filter\": \"country = 'FR' and emailOptIn\"");
        var error = Single(json);
        Assert.Equal("$.activities[0].filter", error.Path);
        Assert.Contains("appears more than once", error.Message);
    }

    [Fact]
    public void A_lone_surrogate_is_refused_at_its_path()
    {
        var error = Single(Documents.WinterSale.Replace("\"Winter sale\"", "\"Winter \\ud800 sale\""));
        Assert.Equal("$.name", error.Path);
        Assert.Contains("not valid Unicode", error.Message);
    }

    [Theory]
    [InlineData("""{ "name": "x", "activities": [ { "id": "a", "type": "fork" }, { "id": tru } ] }""", "$.activities[1].id")]
    [InlineData("""{ "name": "x", "activities": [ 1, 2 3 ] }""", "$.activities[2]")]
    [InlineData("""{ "name": "x" "activities": [] }""", "$")]
    [InlineData("""[ { "a": { "b": [ {}, { "c": } ] } } ]""", "$[0].a.b[1].c")]
    [InlineData("""{ "name": "x", "schedule": { "type": """, "$.schedule.type")]
    public void JSON_that_does_not_parse_is_an_error_at_the_path_where_it_breaks(string json, string path)
    {
        var error = Single(json);
        Assert.Equal(path, error.Path);
        Assert.StartsWith("not valid JSON: line 1, position", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }
}
