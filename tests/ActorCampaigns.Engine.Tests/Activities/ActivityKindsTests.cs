using ActorCampaigns.Domain.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Activities;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>
/// The registry of kinds is the one place that says what a kind is: every kind has a stage, reads back what it
/// writes, starts valid in the console, and its port rules (which the console draws) give the ports its record has.
/// </summary>
public sealed class ActivityKindsTests
{
    public static TheoryData<string> Types() => [.. ActivityKinds.All.Select(k => k.Type)];

    [Fact]
    public void Every_kind_has_a_stage_and_every_stage_a_kind()
    {
        Assert.Equal(ActivityKinds.All.Select(k => k.Record).Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name))),
            ActivityStages.All.Select(s => s.Record).Order(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.Name, b.Name))));
        Assert.Equal(ActivityKinds.All.Count, ActivityKinds.All.Select(k => k.Type).Distinct().Count());
    }

    /// <summary>A campaign whose one activity of the kind starts as the console starts it, fed and followed as its kind needs.</summary>
    private static string CampaignWith(ActivityKind kind, JsonObject activity)
    {
        activity["id"] = "it";
        activity["type"] = kind.Type;
        var activities = new JsonArray(
            JsonNode.Parse("""{ "id": "a", "type": "buildAudience", "filter": "" }"""),
            JsonNode.Parse("""{ "id": "b", "type": "buildAudience", "filter": "" }"""));
        var transitions = new JsonArray();
        // A reconciliation takes the rows of one loaded file.
        if (kind is ReconciliationKind)
        {
            activities.Add(JsonNode.Parse("""{ "id": "f", "type": "loadFile", "file": "rows.csv", "columns": { "email": "string" } }"""));
            transitions.Add(JsonNode.Parse("""{ "from": "f", "to": "it" }"""));
        }
        // A change of dimension starts as one from an entity's rows to their profiles.
        else if (kind is ChangeDimensionKind)
        {
            activities.Add(JsonNode.Parse("""{ "id": "rows", "type": "buildAudience", "entity": "bookings" }"""));
            transitions.Add(JsonNode.Parse("""{ "from": "rows", "to": "it" }"""));
        }
        else if (!kind.IsSource)
        {
            transitions.Add(JsonNode.Parse("""{ "from": "a", "to": "it" }"""));
            transitions.Add(JsonNode.Parse("""{ "from": "b", "to": "it" }"""));
        }
        if (activity["primary"] is not null)
            activity["primary"] = "a";
        // Each arm of an experiment leads to an email of its own.
        if (kind is ExperimentKind)
        {
            foreach (var arm in activity["arms"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()))
            {
                activities.Add(JsonNode.Parse($$"""{ "id": "mail-{{arm}}", "type": "email", "content": { "from": "s@example.com", "subject": "S", "html": "<p>S</p>" } }"""));
                transitions.Add(new JsonObject { ["from"] = "it", ["port"] = arm, ["to"] = $"mail-{arm}" });
            }
        }
        activities.Add(activity);
        return new JsonObject { ["name"] = "kinds", ["activities"] = activities, ["transitions"] = transitions }.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_new_activity_of_each_kind_is_valid_and_reads_back_what_it_writes(string type)
    {
        var kind = ActivityKinds.Find(type)!;
        var start = JsonNode.Parse(kind.Start)!.AsObject();
        if (type == "readAudience" || type == "saveAudience")
            start["audience"] = "vip";
        if (type == "combine")
            start["mode"] = "union";
        var result = CampaignValidator.Validate(CampaignWith(kind, start), ProfileSchema.Core,
            new Dictionary<string, ProfileSchema> { ["bookings"] = ProfileSchema.EntityCore.With([("profileId", AttributeType.Int)]) });
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var activity = result.Document!.Activities.Single(a => a.Id == "it");
        Assert.IsType(kind.Record, activity);
        var written = JsonSerializer.Serialize(result.Document, CampaignJson.Options);
        var back = JsonSerializer.Deserialize<CampaignDocument>(written, CampaignJson.Options)!.Activities.Single(a => a.Id == "it");
        Assert.Equal(JsonSerializer.Serialize(activity, CampaignJson.Options), JsonSerializer.Serialize(back, CampaignJson.Options));
        Assert.Contains($"\"type\":\"{type}\"", written);
    }

    /// <summary>The ports the console computes from a kind's rules for one activity's JSON.</summary>
    private static List<string> PortsByRules(ActivityKind kind, JsonObject activity) =>
    [
        .. kind.Ports.SelectMany(rule => rule switch
        {
            { Each: { } each } => (activity[each]?.AsArray() ?? []).Select(e => e![rule.Name!]!.GetValue<string>()),
            { When: { } when } => activity[when]?.GetValue<bool>() == true ? [rule.Port!] : [],
            _ => [rule.Port!],
        }),
    ];

    [Theory]
    [InlineData("""{ "id": "it", "type": "combine", "mode": "union" }""")]
    [InlineData("""{ "id": "it", "type": "combine", "mode": "union", "complement": true }""")]
    [InlineData("""{ "id": "it", "type": "split", "subsets": [{ "name": "x" }, { "name": "y", "filter": "age > 30" }] }""")]
    [InlineData("""{ "id": "it", "type": "split", "subsets": [{ "name": "x" }], "complement": true }""")]
    [InlineData("""{ "id": "it", "type": "test", "conditions": [{ "name": "big", "when": "count > 10" }, { "name": "small", "when": "count < 3" }] }""")]
    [InlineData("""{ "id": "it", "type": "deduplicate", "keys": ["email"] }""")]
    [InlineData("""{ "id": "it", "type": "end" }""")]
    [InlineData("""{ "id": "it", "type": "email", "content": { "from": "a@b.c", "subject": "s", "html": "h" } }""")]
    [InlineData("""{ "id": "it", "type": "wait", "duration": "P1D" }""")]
    public void The_port_rules_give_the_ports_of_the_record(string json)
    {
        var activity = JsonNode.Parse(json)!.AsObject();
        var kind = ActivityKinds.Find(activity["type"]!.GetValue<string>())!;
        var read = JsonSerializer.Deserialize<Activity>(json, CampaignJson.Options)!;
        Assert.Equal(read.OutputPorts, PortsByRules(kind, activity));
    }

    /// <summary>What each activity of the benchmark canvas reads of a profile, as its kind says (partitioned execution will plan with it).</summary>
    [Fact]
    public void A_kind_says_which_attributes_an_activity_reads()
    {
        var document = CampaignValidator.Validate(File.ReadAllText(ActorCampaigns.TestSupport.SharedCanvas.Path()), ProfileSchema.Core).Document!;
        var scope = BindingScope.ForProfiles(ProfileSchema.Core, new Dictionary<string, ExprType>());
        string Read(string id)
        {
            var activity = document.Activities.Single(a => a.Id == id);
            return string.Join(",", ActivityKinds.Of(activity).Columns(activity, scope).Order(StringComparer.Ordinal));
        }
        Assert.Equal("emailOptIn,pushOptIn,smsOptIn", Read("optin"));
        Assert.Equal("createdAt", Read("recent"));
        Assert.Equal("email,id", Read("dedup"));
        Assert.Equal("email,emailOptIn,phone,smsOptIn", Read("split"));
        Assert.Equal("email,emailOptIn,firstName", Read("mail"));
        Assert.Equal("firstName,phone,smsOptIn", Read("text"));
        Assert.Equal("", Read("base"));
    }

    /// <summary>The problems of a value against the subset of JSON Schema a kind's schema uses (type, enum, const, required, properties).</summary>
    private static IEnumerable<string> Problems(JsonNode? value, JsonObject schema, string path)
    {
        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, value))
            yield return $"{path}: not {constant}";
        if (schema["enum"] is JsonArray choices && !choices.Any(c => JsonNode.DeepEquals(c, value)))
            yield return $"{path}: not one of {choices.ToJsonString()}";
        var kind = value?.GetValueKind();
        var types = schema["type"] switch { JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(), { } one => [one.GetValue<string>()], _ => [] };
        if (types.Count > 0 && !types.Any(t => t switch
            {
                "object" => kind == JsonValueKind.Object, "array" => kind == JsonValueKind.Array, "string" => kind == JsonValueKind.String,
                "number" => kind == JsonValueKind.Number, "boolean" => kind is JsonValueKind.True or JsonValueKind.False, _ => false,
            }))
            yield return $"{path}: not {string.Join(" or ", types)}";
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var required in schema["required"]?.AsArray() ?? [])
                if (obj[required!.GetValue<string>()] is null)
                    yield return $"{path}.{required}: required";
            foreach (var (name, inner) in obj)
                if (properties[name] is JsonObject innerSchema)
                    foreach (var problem in Problems(inner, innerSchema, $"{path}.{name}"))
                        yield return problem;
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_new_activity_of_each_kind_meets_its_schema_and_one_without_a_required_field_does_not(string type)
    {
        var kind = ActivityKinds.Find(type)!;
        var activity = JsonNode.Parse(kind.Start)!.AsObject();
        activity["id"] = "it";
        activity["type"] = type;
        var schema = kind.Schema();
        Assert.Empty(Problems(activity, schema, "$"));
        Assert.NotEmpty(Problems(new JsonObject { ["id"] = "it", ["type"] = "nope" }, schema, "$"));
        if (kind.Fields.FirstOrDefault(f => f.Required) is { } required)
        {
            var without = activity.DeepClone().AsObject();
            var parts = required.Key.Split('.');
            var owner = parts[..^1].Aggregate(without, (o, part) => o[part]!.AsObject());
            owner.Remove(parts[^1]);
            Assert.Contains(Problems(without, schema, "$"), p => p.EndsWith($"{parts[^1]}: required"));
        }
    }
}
