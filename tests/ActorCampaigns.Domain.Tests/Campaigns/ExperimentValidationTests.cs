using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>An experiment written wrong: each mistake is an error at its place in the document, and a right one reads back as written.</summary>
public sealed class ExperimentValidationTests
{
    private const string Valid = """
        { "name": "Subject test", "activities": [
            { "id": "all", "type": "buildAudience", "filter": "email is not null" },
            { "id": "exp", "type": "experiment", "arms": [ { "name": "a", "percent": 10 }, { "name": "b", "percent": 10 } ],
              "metric": "clicked", "window": "P1D" },
            { "id": "mail-a", "type": "email", "content": { "from": "s@example.com", "subject": "A", "html": "<p>A</p>" } },
            { "id": "later", "type": "wait", "duration": "PT2H" },
            { "id": "mail-b", "type": "email", "content": { "from": "s@example.com", "subject": "B", "html": "<p>B</p>" } },
            { "id": "end", "type": "end" } ],
          "transitions": [ { "from": "all", "to": "exp" }, { "from": "exp", "port": "a", "to": "mail-a" }, { "from": "exp", "port": "b", "to": "later" },
            { "from": "later", "to": "mail-b" }, { "from": "mail-b", "to": "end" } ] }
        """;

    private static IReadOnlyList<ValidationError> ErrorsWith(Action<JsonObject> change)
    {
        var document = JsonNode.Parse(Valid)!.AsObject();
        change(document);
        return CampaignValidator.Validate(document.ToJsonString(), ProfileSchema.Core).Errors;
    }

    private static JsonObject Experiment(JsonObject document) => document["activities"]![1]!.AsObject();

    [Fact]
    public void A_right_experiment_is_valid_with_its_defaults_and_reads_back_as_written()
    {
        var result = CampaignValidator.Validate(Valid, ProfileSchema.Core);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var experiment = Assert.IsType<ExperimentActivity>(result.Document!.Activities[1]);
        Assert.Equal((ExperimentMetric.Clicked, 100L, 0.95, "a"), (experiment.Metric, experiment.MinimumPerArm, experiment.ProbabilityToBeBest, experiment.Fallback));
        Assert.Equal(["a", "b", "holdback"], experiment.OutputPorts);
        var again = Assert.IsType<ExperimentActivity>(CampaignValidator.Validate(CampaignFormat.Write(result.Document), ProfileSchema.Core).Document!.Activities[1]);
        Assert.Equal(experiment with { Arms = [] }, again with { Arms = [] });
        Assert.Equal(experiment.Arms, again.Arms);
    }

    [Theory]
    [InlineData("percents over 100", "$.activities[1].arms", "the arms' percents add up to 120, more than 100")]
    [InlineData("an unknown metric", "$.activities[1].metric", "'revenue' is not one of opened, clicked, converted")]
    [InlineData("a window of zero", "$.activities[1].window", "the window must be longer than zero")]
    [InlineData("a window that is no duration", "$.activities[1].window", "ISO 8601")]
    [InlineData("an arm with no transition", "$.activities[1].arms[1]", "arm 'b' has no transition")]
    [InlineData("a transition from holdback", "$.activities[1]", "no transition may leave 'holdback'")]
    [InlineData("a deduplicate on an arm's path", "$.activities[1].arms[0]", "'dedup' (deduplicate) is on arm 'a''s path")]
    [InlineData("a fallback that is no arm", "$.activities[1].fallback", "'c' is not one of the arms (a, b)")]
    [InlineData("converted without its event", "$.activities[1].event", "the converted metric needs the conversion event")]
    [InlineData("one arm", "$.activities[1].arms", "at least two arms")]
    [InlineData("an arm of 0 %", "$.activities[1].arms[0].percent", "more than 0")]
    [InlineData("an arm named holdback", "$.activities[1].arms[1].name", "not 'holdback'")]
    [InlineData("two arms of one name", "$.activities[1].arms[1].name", "duplicate arm name 'a'")]
    [InlineData("a probability of 1", "$.activities[1].decision.probabilityToBeBest", "more than 0.5 and less than 1")]
    [InlineData("a minimum of 0", "$.activities[1].minimumPerArm", "at least 1")]
    [InlineData("an unknown field of an arm", "$.activities[1].arms[0].weight", "unknown field 'weight'")]
    [InlineData("an activity on two arms' paths", "$.activities[1].arms[0]", "'end' is on arm 'a''s path and has 2 inbound transitions")]
    [InlineData("an arm's path fed from elsewhere", "$.activities[1].arms[1]", "'mail-b' is on arm 'b''s path and has 2 inbound transitions")]
    [InlineData("an arm's path with no email", "$.activities[1].arms[1]", "arm 'b''s path sends no email: only emails are clicked")]
    [InlineData("eleven arms", "$.activities[1].arms", "at most 10 arms, this one has 11")]
    public void A_wrong_experiment_is_a_located_error(string mistake, string path, string message)
    {
        var errors = ErrorsWith(document =>
        {
            var experiment = Experiment(document);
            var arms = experiment["arms"]!.AsArray();
            var transitions = document["transitions"]!.AsArray();
            switch (mistake)
            {
                case "percents over 100": arms[1]!["percent"] = 110; break;
                case "an unknown metric": experiment["metric"] = "revenue"; break;
                case "a window of zero": experiment["window"] = "PT0S"; break;
                case "a window that is no duration": experiment["window"] = "tomorrow"; break;
                case "an arm with no transition": transitions.RemoveAt(2); transitions.RemoveAt(2); document["activities"]!.AsArray().RemoveAt(3); break;
                case "a transition from holdback": transitions.Add(new JsonObject { ["from"] = "exp", ["port"] = "holdback", ["to"] = "mail-a" }); break;
                case "a deduplicate on an arm's path":
                    document["activities"]!.AsArray().Add(JsonNode.Parse("""{ "id": "dedup", "type": "deduplicate", "keys": ["email"] }"""));
                    transitions[1]!["to"] = "dedup";
                    transitions.Add(new JsonObject { ["from"] = "dedup", ["to"] = "mail-a" });
                    break;
                case "a fallback that is no arm": experiment["fallback"] = "c"; break;
                case "converted without its event": experiment["metric"] = "converted"; break;
                case "one arm": arms.RemoveAt(1); transitions.RemoveAt(2); break;
                case "an arm of 0 %": arms[0]!["percent"] = 0; break;
                case "an arm named holdback": arms[1]!["name"] = "holdback"; transitions[2]!["port"] = "holdback"; break;
                case "two arms of one name": arms[1]!["name"] = "a"; transitions[2]!["port"] = "a"; break;
                case "a probability of 1": experiment["decision"] = new JsonObject { ["probabilityToBeBest"] = 1 }; break;
                case "a minimum of 0": experiment["minimumPerArm"] = 0; break;
                case "an unknown field of an arm": arms[0]!["weight"] = 3; break;
                case "an activity on two arms' paths": transitions.Add(new JsonObject { ["from"] = "mail-a", ["to"] = "end" }); break;
                case "an arm's path fed from elsewhere": transitions.Add(new JsonObject { ["from"] = "all", ["to"] = "mail-b" }); break;
                case "an arm's path with no email":
                    document["activities"]!.AsArray()[4] = JsonNode.Parse("""{ "id": "mail-b", "type": "sms", "content": { "text": "B" } }""");
                    break;
                case "eleven arms":
                    for (var i = 0; i < 9; i++)
                    {
                        arms.Add(new JsonObject { ["name"] = $"x{i}", ["percent"] = 1 });
                        transitions.Add(new JsonObject { ["from"] = "exp", ["port"] = $"x{i}", ["to"] = $"m{i}" });
                        document["activities"]!.AsArray().Add(JsonNode.Parse($$"""{ "id": "m{{i}}", "type": "email", "content": { "from": "s@example.com", "subject": "X", "html": "<p>X</p>" } }"""));
                    }
                    break;
            }
        });
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
