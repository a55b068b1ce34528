using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>A computed column: <see cref="Expression"/> evaluated per profile, carried with the population as <see cref="Name"/>.</summary>
public sealed record EnrichColumn(string Name, string Expression);

public sealed record EnrichActivity(string Id, IReadOnlyList<EnrichColumn> Columns) : Activity(Id);

public sealed class EnrichKind : ActivityKind<EnrichActivity>
{
    public override string Type => "enrich";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Adds computed columns to its population (an expression each, which may aggregate over the population); " +
        "activities downstream read them as they read attributes.";

    public override IReadOnlyList<KindField> Fields { get; } =
        [new("columns", "Columns (JSON: name → expression)", "json", "An object: each column's name and the expression computing it.", Required: true)];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "columns": { "fromFrance": "country = 'FR'" } }""";

    public override string Icon => "M8 2v12M2 8h12M3 3h10v10H3z";

    public override Activity Read(string id, JsonFields fields) => new EnrichActivity(id, fields.Map("columns", required: true).Select(c =>
    {
        if (c.Element.ValueKind == JsonValueKind.String)
            return new EnrichColumn(c.Name, c.Element.GetString()!);
        fields.Error(c.Path, "an enrich column is an expression string");
        return new EnrichColumn(c.Name, "");
    }).ToList());

    protected override void Check(EnrichActivity enrich, KindChecks checks)
    {
        if (enrich.Columns.Count == 0)
            checks.Error(".columns", "must define at least one column");
        var aggregateScope = checks.Scope with { AllowsAggregates = true };
        foreach (var column in enrich.Columns)
        {
            var at = $".columns.{column.Name}";
            var why = checks.Schema.WhyNotAdd(column.Name, AttributeType.String);
            if (checks.Schema.Find(column.Name) is not null)
                checks.Error(at, $"'{column.Name}' is a profile attribute; an enrich column needs a name of its own");
            else if (why is not null)
                checks.Error(at, why.Replace("attribute name", "column name"));
            var (bound, error) = Expression.Check(column.Expression, aggregateScope);
            if (error is not null)
                checks.Error(at, error.ToString());
            else if (bound!.Type == ExprType.Null)
                checks.Error(at, "a column must have a type; a bare null has none");
        }
    }

    protected override void Write(EnrichActivity enrich, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("columns");
        foreach (var column in enrich.Columns)
            writer.WriteString(column.Name, column.Expression);
        writer.WriteEndObject();
    }

    protected override IEnumerable<string> Columns(EnrichActivity enrich, BindingScope scope) =>
        enrich.Columns.SelectMany(c => NamesIn(c.Expression, scope with { AllowsAggregates = true }));
}
