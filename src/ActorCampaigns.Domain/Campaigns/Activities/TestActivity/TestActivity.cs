using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record TestCondition(string Name, string When);

public sealed record TestActivity(string Id, IReadOnlyList<TestCondition> Conditions) : Activity(Id)
{
    public const string DefaultPort = "default";

    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [.. Conditions.Select(c => c.Name), DefaultPort];
}

public sealed class TestKind : ActivityKind<TestActivity>
{
    public override string Type => "test";

    public override ActivityGroup Group => ActivityGroup.FlowControl;

    public override string Summary =>
        "Sends its whole population by the port of the first condition that holds (conditions read `count`, the population's size, and variables), else by default.";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("conditions", "Conditions (JSON)", "json", "A list of conditions, each a `name` (its port) and `when`, a boolean expression over `count` and variables.", Required: true)];

    public override IReadOnlyList<PortRule> Ports => [new(Each: "conditions", Name: "name"), PortRule.Fixed(TestActivity.DefaultPort)];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "conditions": [{ "name": "big", "when": "count > 1000" }] }""";

    public override string Icon => "M8 1.5 14.5 8 8 14.5 1.5 8zM7 10.5h2M8 5v3.5";

    public override Activity Read(string id, JsonFields fields) => new TestActivity(id, fields.Array("conditions", required: true).Select(c =>
    {
        var condition = new JsonFields(c.Element, c.Path, fields.Errors);
        var read = new TestCondition(condition.String("name", required: true) ?? "", condition.String("when", required: true) ?? "");
        condition.RejectUnknown("a test condition");
        return read;
    }).ToList());

    protected override void Check(TestActivity test, KindChecks checks)
    {
        if (test.Conditions.Count == 0)
            checks.Error(".conditions", "must have at least one condition");
        var countScope = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, checks.Scope.Variables);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < test.Conditions.Count; c++)
        {
            var condition = test.Conditions[c];
            if (checks.PortName(condition.Name, $".conditions[{c}].name", "condition", TestActivity.DefaultPort) && !names.Add(condition.Name))
                checks.Error($".conditions[{c}].name", $"duplicate condition name '{condition.Name}'");
            if (condition.When.Length > 0)
                checks.Filter(condition.When, $".conditions[{c}].when", countScope);
        }
    }

    protected override void Write(TestActivity test, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("conditions");
        foreach (var condition in test.Conditions)
        {
            writer.WriteStartObject();
            writer.WriteString("name", condition.Name);
            writer.WriteString("when", condition.When);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
