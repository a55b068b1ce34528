using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

public class CampaignValidatorTests
{
    private static readonly ProfileSchema Schema = ProfileSchema.Core.With([("loyaltyTier", AttributeType.String), ("lifetimeValue", AttributeType.Number)]);

    private static IReadOnlyList<ValidationError> ErrorsOf(string json) => CampaignValidator.Validate(json, Schema).Errors;

    private static void AssertSingleError(string json, string path, string message)
    {
        var errors = ErrorsOf(json);
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        Assert.Equal(path, errors[0].Path);
        Assert.Contains(message, errors[0].Message);
    }

    [Fact]
    public void The_contract_example_is_valid()
    {
        var result = CampaignValidator.Validate(Documents.WinterSale, Schema);
        Assert.Empty(result.Errors);
        Assert.Equal(10, result.Document!.Activities.Count);
        var split = Assert.IsType<SplitActivity>(result.Document.Activities[4]);
        Assert.Equal(["control", "young", "complement"], split.OutputPorts);
        Assert.Equal(10, split.Subsets[0].Limit!.Percent);
    }

    [Fact]
    public void Unknown_activity_type()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("wait")["type"] = "sleep"),
            "$.activities[6].type", "unknown activity type 'sleep'");
    }

    [Fact]
    public void Duplicate_activity_id()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activities().Add(new JsonObject { ["id"] = "fr", ["type"] = "buildAudience" })),
            "$.activities[10].id", "duplicate activity id 'fr'");
    }

    [Theory]
    [InlineData("Mail")]
    [InlineData("9lives")]
    [InlineData("has space")]
    public void Malformed_activity_id(string id)
    {
        var errors = ErrorsOf(Documents.WinterSaleWith(d =>
        {
            d.Activity("end")["id"] = id;
            d.Transitions()[^1]!["to"] = id;
        }));
        Assert.Contains(errors, e => e.Path == "$.activities[9].id" && e.Message.Contains("not a valid activity id"));
    }

    [Fact]
    public void Transition_to_unknown_activity()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Transitions().Add(new JsonObject { ["from"] = "nudge", ["to"] = "nowhere" })),
            "$.transitions[10].to", "unknown activity 'nowhere'");
    }

    [Fact]
    public void Transition_from_unknown_port()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Transitions()[4]!["port"] = "old"),
            "$.transitions[4].port", "'split' has no port 'old'; its ports are control, young, complement");
    }

    [Fact]
    public void Cycle()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Transitions().Add(new JsonObject { ["from"] = "wait", ["to"] = "mail" })),
            "$.transitions[10]", "closes a cycle: mail -> wait -> mail");
    }

    [Fact]
    public void Unreachable_activity()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activities().Add(new JsonObject { ["id"] = "lost", ["type"] = "fork" })),
            "$.activities[10]", "'lost' is not reachable");
    }

    [Fact]
    public void Missing_and_wrong_parameters()
    {
        var errors = ErrorsOf(Documents.WinterSaleWith(d =>
        {
            d.Activity("vip").Remove("audience");
            d.Activity("dedup")["keep"] = "two";
            d.Activity("split")["complement"] = "yes";
            d.Activity("mail")["content"]!.AsObject().Remove("subject");
            d.Activity("nudge")["colour"] = "red";
        }));
        Assert.Equal(
        [
            "$.activities[1].audience: is required",
            "$.activities[3].keep: must be a whole number, found a string",
            "$.activities[4].complement: must be true or false, found a string",
            "$.activities[5].content.subject: is required",
            "$.activities[8].colour: unknown field 'colour' for a sms activity",
        ], errors.Select(e => e.ToString()).Take(5));
    }

    [Fact]
    public void Combine_needs_two_inbound_transitions()
    {
        AssertSingleError(Documents.WinterSaleWith(d =>
        {
            d.Activities().RemoveAt(1);
            d.Transitions().RemoveAt(1);
        }), "$.activities[1]", "combine needs at least two inbound transitions, found 1");
    }

    [Fact]
    public void Combine_exclusion_primary_must_be_inbound()
    {
        AssertSingleError(Documents.WinterSaleWith(d =>
        {
            d.Activity("all")["mode"] = "exclusion";
            d.Activity("all")["primary"] = "dedup";
        }), "$.activities[2].primary", "'dedup' is not an inbound activity of 'all'");
    }

    [Fact]
    public void AndJoin_primary_must_be_inbound()
    {
        AssertSingleError(Documents.WinterSaleWith(d =>
        {
            d.Activities().Add(new JsonObject { ["id"] = "join", ["type"] = "andJoin", ["primary"] = "fr" });
            d.Transitions().Add(new JsonObject { ["from"] = "nudge", ["to"] = "join" });
            d.Transitions().Add(new JsonObject { ["from"] = "engaged", ["port"] = "opened", ["to"] = "join" });
        }), "$.activities[10].primary", "'fr' is not an inbound activity of 'join'");
    }

    [Theory]
    [InlineData("3 days", "is not an ISO 8601 duration")]
    [InlineData("P1M", "years or months")]
    [InlineData("PT", "is not an ISO 8601 duration")]
    public void Bad_duration(string duration, string message)
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("wait")["duration"] = duration), "$.activities[6].duration", message);
    }

    [Theory]
    [InlineData("""{ "event": "9lives" }""", "$.activities[5].conversion.event", "'9lives' is not an event name")]
    [InlineData("""{ "event": "purchase", "window": "P1M" }""", "$.activities[5].conversion.window", "years or months")]
    [InlineData("""{ "event": "purchase", "window": "PT0S" }""", "$.activities[5].conversion.window", "longer than zero")]
    [InlineData("""{ "event": "purchase", "windw": "P7D" }""", "$.activities[5].conversion.windw", "unknown")]
    [InlineData("""{ "window": "P7D" }""", "$.activities[5].conversion.event", "required")]
    [InlineData("""{ "event": "" }""", "$.activities[5].conversion.event", "must be a conversion event's name")]
    public void Bad_conversion_goal(string conversion, string path, string message)
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("mail")["conversion"] = JsonNode.Parse(conversion)), path, message);
    }

    [Fact]
    public void A_conversion_goal_reads_back_as_written_with_its_default_window()
    {
        var document = CampaignValidator.Validate(Documents.WinterSaleWith(d => d.Activity("mail")["conversion"] = new JsonObject { ["event"] = "purchase" }),
            Schema).Document!;
        var mail = Assert.IsType<EmailActivity>(document.Activities.First(a => a.Id == "mail"));
        Assert.Equal(new ConversionGoal("purchase", "P7D"), mail.Conversion);
        var again = CampaignValidator.Validate(CampaignFormat.Write(document), Schema).Document!;
        Assert.Equal(mail, again.Activities.First(a => a.Id == "mail"));
    }

    [Fact]
    public void Bad_cron_and_time_zone()
    {
        var errors = ErrorsOf(Documents.WinterSaleWith(d => d["schedule"] = new JsonObject
        {
            ["type"] = "recurring", ["cron"] = "0 25 * * *", ["timeZone"] = "Europe/Atlantis",
        }));
        Assert.Equal(["$.schedule.cron", "$.schedule.timeZone"], errors.Select(e => e.Path));
        Assert.Contains("not a cron expression", errors[0].Message);
        Assert.Contains("not a known IANA time zone", errors[1].Message);
    }

    [Fact]
    public void Valid_recurring_schedule()
    {
        var result = CampaignValidator.Validate(Documents.WinterSaleWith(d => d["schedule"] = new JsonObject
        {
            ["type"] = "recurring", ["cron"] = "0 9 * * MON", ["timeZone"] = "Europe/Paris", ["from"] = "2026-12-01T00:00:00Z",
        }), Schema);
        Assert.Empty(result.Errors);
        Assert.Equal(new RecurringSchedule("0 9 * * MON", "Europe/Paris", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), null), result.Document!.Schedule);
    }

    [Fact]
    public void Liquid_template_that_does_not_parse()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("mail")["content"]!["subject"] = "Hi {{ firstName "),
            "$.activities[5].content.subject", "Liquid template does not parse");
    }

    [Theory]
    [InlineData("Hi {{ age }}", "unknown attribute 'age'")]
    [InlineData("{{ vars.coupon }} off", "unknown variable 'vars.coupon'")]
    [InlineData("{{ vars }}", "'vars' needs a variable name")]
    [InlineData("{{ campaign.owner }}", "'campaign.owner' is not a campaign field")]
    [InlineData("{% if country == 'FR' %}{{ nickname | default: 'you' }}{% endif %}", "unknown attribute 'nickname'")]
    public void Liquid_template_that_reads_an_unknown_name(string subject, string message)
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("mail")["content"]!["subject"] = subject),
            "$.activities[5].content.subject", message);
    }

    [Fact]
    public void Liquid_template_may_read_what_it_defines_itself_and_enrich_columns_upstream()
    {
        const string subject = "{% assign greeting = 'Hi' %}{% capture who %}{{ firstName }}{% endcapture %}"
            + "{% for n in (1..2) %}{{ forloop.index }}{{ n }}{% endfor %}{{ greeting }} {{ who }} {{ lastOrder }} {{ campaign.name }} {{ vars.discount }}";
        var json = Documents.WinterSaleWith(d =>
        {
            d.Activity("mail")["content"]!["subject"] = subject;
            d.Activities().Add(JsonNode.Parse("""{ "id": "orders", "type": "enrich", "columns": { "lastOrder": "daysAgo(3)" } }"""));
            var transitions = d.Transitions();
            var young = transitions.Single(t => (string?)t!["port"] == "young")!.AsObject();
            young["to"] = "orders";
            transitions.Add(JsonNode.Parse("""{ "from": "orders", "to": "mail" }"""));
        });
        Assert.Empty(ErrorsOf(json));
    }

    [Fact]
    public void Expression_that_does_not_type_check_gives_path_and_column()
    {
        AssertSingleError(Documents.WinterSaleWith(d => d.Activity("fr")["filter"] = "country = 'FR' and age > 30"),
            "$.activities[0].filter", "column 20: unknown attribute 'age'");
    }

    [Fact]
    public void Five_distinct_errors_are_reported_as_five()
    {
        var errors = ErrorsOf(Documents.WinterSaleWith(d =>
        {
            d.Activity("wait")["duration"] = "soon";
            d.Activity("fr")["filter"] = "country = 1";
            d.Activity("end")["type"] = "finish";
            d.Transitions().Add(new JsonObject { ["from"] = "nudge", ["to"] = "ghost" });
            d.Activity("mail")["content"]!["html"] = "{% if %}";
        }));
        Assert.Equal(5, errors.Count);
        Assert.Equal(
            ["$.activities[9].type", "$.transitions[10].to", "$.activities[0].filter", "$.activities[5].content.html", "$.activities[6].duration"],
            errors.Select(e => e.Path));
    }

    [Fact]
    public void Enrich_columns_are_visible_downstream_only()
    {
        var json = Documents.WinterSaleWith(d =>
        {
            d.Activities().Add(new JsonObject
            {
                ["id"] = "score", ["type"] = "enrich",
                ["columns"] = new JsonObject { ["opens"] = "count(opened('*', 'P30D'))", ["tier"] = "upper(loyaltyTier)" },
            });
            d.Transitions()[3]!["to"] = "score";
            d.Transitions().Add(new JsonObject { ["from"] = "score", ["to"] = "split" });
            d.Activity("split")["subsets"]![1]!["filter"] = "opens > 2 and tier = 'GOLD'";
            d.Activity("fr")["filter"] = "opens > 2";
        });
        AssertSingleError(json, "$.activities[0].filter", "unknown attribute 'opens'");
    }

    [Fact]
    public void Test_conditions_see_count_and_variables()
    {
        string WithCondition(string when) => Documents.WinterSaleWith(d =>
        {
            d.Activities().Add(new JsonObject
            {
                ["id"] = "enough", ["type"] = "test",
                ["conditions"] = new JsonArray(new JsonObject { ["name"] = "big", ["when"] = when }),
            });
            d.Transitions().Add(new JsonObject { ["from"] = "dedup", ["to"] = "enough" });
            d.Transitions().Add(new JsonObject { ["from"] = "enough", ["port"] = "big", ["to"] = "end" });
            d.Transitions().Add(new JsonObject { ["from"] = "enough", ["port"] = "default", ["to"] = "end" });
        });
        Assert.Empty(ErrorsOf(WithCondition("count > 1000 and vars.discount = '20'")));
        AssertSingleError(WithCondition("country = 'FR'"), "$.activities[10].conditions[0].when", "unknown attribute 'country'");
    }

    [Fact]
    public void Malformed_json_is_one_error_with_its_position()
    {
        var errors = ErrorsOf("{ \"name\": \"x\", ");
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("not valid JSON: line 1", error.Message);
    }

    [Fact]
    public void Read_document_round_trips_through_system_text_json()
    {
        var document = CampaignValidator.Validate(Documents.WinterSale, Schema).Document!;
        var written = CampaignJson.Write(document);
        var reread = CampaignValidator.Validate(written, Schema);
        Assert.Empty(reread.Errors);
        Assert.Equal(written, CampaignJson.Write(reread.Document!));
        Assert.Contains("\"mode\":\"union\"", written);
    }
}
