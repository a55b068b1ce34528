using ActorCampaigns.TestSupport;
using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Documentation;

/// <summary>
/// The examples of docs/reference/ are what the validator accepts (and, for the counter-examples, refuses), so the
/// reference cannot drift from the code. Each expression is validated inside a campaign document, as a user's would
/// be, against the attributes, variables, enrich column and channel activities that docs/reference/expressions.md
/// says its examples assume.
/// </summary>
public sealed class ReferenceDocsTests
{
    private const string ExpressionsDoc = "docs/reference/expressions.md";

    private const string CampaignFormatDoc = "docs/reference/campaign-format.md";

    /// <summary>The core attributes and the custom ones of the page's CSV header <c>lifetimeValue:number,loyaltyTier,visits:int,lastOrderAt:timestamp</c>.</summary>
    private static readonly ProfileSchema Schema = ProfileSchema.Core.With(
    [
        ("lifetimeValue", AttributeType.Number), ("loyaltyTier", AttributeType.String), ("visits", AttributeType.Int), ("lastOrderAt", AttributeType.Timestamp),
    ]);

    /// <summary>Where the expression under test goes: an activity fed by the enrich activity computing <c>recentOpens</c>.</summary>
    private enum Place { SplitFilter, EnrichColumn, TestCondition }

    private const string ProbePath = "$.activities[4]";

    [Fact]
    public void Every_filter_example_of_the_expressions_page_is_valid() =>
        AssertAll("expression", Place.SplitFilter, refused: false);

    [Fact]
    public void Every_enrich_example_of_the_expressions_page_is_valid() =>
        AssertAll("expression enrich", Place.EnrichColumn, refused: false);

    [Fact]
    public void Every_test_condition_example_of_the_expressions_page_is_valid() =>
        AssertAll("expression test", Place.TestCondition, refused: false);

    [Fact]
    public void Every_counter_example_of_the_expressions_page_is_refused_at_the_expression() =>
        AssertAll("expression refused", Place.SplitFilter, refused: true);

    [Fact]
    public void Every_entity_filter_example_of_the_expressions_page_is_valid()
    {
        var entities = new Dictionary<string, ProfileSchema>
        {
            ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int), ("amount", AttributeType.Number), ("bookedOn", AttributeType.Date)]),
        };
        var expressions = FencedBlock.All(File.ReadAllText(Repository.PathOf(ExpressionsDoc))).Where(b => b.Info == "expression entity")
            .SelectMany(b => b.Lines.Select((text, i) => (Text: text.Trim(), Line: b.Line + i))).Where(e => e.Text.Length > 0).ToList();
        Assert.True(expressions.Count >= 2, $"{ExpressionsDoc} has {expressions.Count} examples in ```expression entity blocks");
        var problems = expressions.SelectMany(e => CampaignValidator.Validate(JsonSerializer.Serialize(new
            {
                name = "Entity examples",
                activities = new object[] { new { id = "rows", type = "buildAudience", entity = "bookings", filter = e.Text }, new { id = "done", type = "end" } },
                transitions = new[] { new { from = "rows", to = "done" } },
            }), Schema, entities).Errors.Select(error => $"line {e.Line}: {e.Text} => {error}")).ToList();
        Assert.True(problems.Count == 0, $"{ExpressionsDoc}:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Every_campaign_example_of_the_campaign_format_page_is_valid()
    {
        var examples = FencedBlock.All(File.ReadAllText(Repository.PathOf(CampaignFormatDoc))).Where(b => b.Info == "json campaign").ToList();
        Assert.NotEmpty(examples);
        var problems = examples
            .SelectMany(b => CampaignValidator.Validate(string.Join('\n', b.Lines), Schema).Errors.Select(e => $"{CampaignFormatDoc} line {b.Line}: {e}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void AssertAll(string info, Place place, bool refused)
    {
        var expressions = FencedBlock.All(File.ReadAllText(Repository.PathOf(ExpressionsDoc)))
            .Where(b => b.Info == info)
            .SelectMany(b => b.Lines.Select((text, i) => (Text: text.Trim(), Line: b.Line + i)))
            .Where(e => e.Text.Length > 0)
            .ToList();
        Assert.True(expressions.Count >= 3, $"{ExpressionsDoc} has {expressions.Count} examples in ```{info} blocks");
        var problems = new List<string>();
        foreach (var (text, line) in expressions)
        {
            var errors = CampaignValidator.Validate(Document(place, text), Schema).Errors;
            var atProbe = errors.Count > 0 && errors.All(e => e.Path.StartsWith(ProbePath + ".", StringComparison.Ordinal));
            if (refused && !atProbe)
                problems.Add($"line {line}: {text} => " + (errors.Count == 0 ? "accepted" : string.Join("; ", errors)));
            if (!refused && errors.Count > 0)
                problems.Add($"line {line}: {text} => {string.Join("; ", errors)}");
        }
        Assert.True(problems.Count == 0, $"{ExpressionsDoc}:\n{string.Join('\n', problems)}");
    }

    /// <summary>A campaign whose fifth activity holds <paramref name="expression"/>, downstream of the enrich column <c>recentOpens</c>.</summary>
    private static string Document(Place place, string expression)
    {
        object probe = place switch
        {
            Place.SplitFilter => new { id = "probe", type = "split", subsets = new[] { new { name = "picked", filter = expression } } },
            Place.EnrichColumn => new { id = "probe", type = "enrich", columns = new Dictionary<string, string> { ["probed"] = expression } },
            _ => new { id = "probe", type = "test", conditions = new[] { new { name = "picked", when = expression } } },
        };
        return JsonSerializer.Serialize(new
        {
            name = "Reference examples",
            variables = new Dictionary<string, object> { ["tier"] = "gold", ["minimum"] = 100, ["vip"] = true },
            activities = new object[]
            {
                new { id = "all", type = "buildAudience" },
                new { id = "opens", type = "enrich", columns = new Dictionary<string, string> { ["recentOpens"] = "count(opened('*', 'P30D'))" } },
                new { id = "mail", type = "email", content = new { from = "news@example.com", subject = "Hello", html = "<p>Hello</p>" } },
                new { id = "reminder", type = "sms", content = new { text = "Hello" } },
                probe,
            },
            transitions = new[]
            {
                new { from = "all", to = "opens" }, new { from = "opens", to = "mail" }, new { from = "opens", to = "reminder" },
                new { from = "opens", to = "probe" },
            },
        });
    }
}
