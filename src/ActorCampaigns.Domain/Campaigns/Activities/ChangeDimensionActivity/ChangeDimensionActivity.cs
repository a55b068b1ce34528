using System.Text.Json;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// An aggregate of an entity's rows computed for each profile they change to: <c>count</c> (no column), <c>sum</c>,
/// <c>avg</c>, <c>min</c> or <c>max</c> of a column, riding along with the profile under <see cref="Name"/>.
/// </summary>
public sealed record DimensionAggregate(string Name, string Function, string? Column);

/// <param name="To"><c>profiles</c>, or the entity whose rows it changes to.</param>
/// <param name="Filter">Changing to an entity: which of the linked rows to keep (empty: all).</param>
/// <param name="Aggregates">Changing an entity's rows to profiles: what is computed per profile.</param>
public sealed record ChangeDimensionActivity(string Id, string To, string Filter, IReadOnlyList<DimensionAggregate> Aggregates) : Activity(Id);

public sealed class ChangeDimensionKind : ActivityKind<ChangeDimensionActivity>
{
    public static readonly IReadOnlyList<string> Functions = ["count", "sum", "avg", "min", "max"];

    public const int MaxAggregates = 32;

    public override string Type => "changeDimension";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Changes what the population is made of through the link: an entity's rows to their profiles (each once, with aggregates of its rows such as count, sum(amount), max(bookedOn)), or profiles to all their linked rows of an entity (optionally filtered).";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("to", "To", "text", "profiles (from an entity's rows), or the entity whose rows the profiles change to, such as bookings.", Required: true),
        new("filter", "Filter (to an entity; empty: every row)", "area",
            "Changing to an entity: which linked rows to keep, over their columns and their profile's as profile.name."),
        new("aggregates", "Aggregates (JSON: [{name, function, column}])", "json",
            "Changing to profiles: each a name, a function (count, sum, avg, min, max) and the column of the rows it reads (none for count); they ride along with the profiles as enrich columns do."),
    ];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "to": "profiles", "aggregates": [ { "name": "rows", "function": "count" } ] }""";

    public override string Icon => "M2 5h8l-2-2M14 11H6l2 2";

    public override bool Takes(Dimension dimension) => dimension.Kind != DimensionKind.File;

    public override string Taken => "profiles or an entity's rows";

    public override Dimension Output(Activity activity, string port, Dimension input) => Dimension.Named(((ChangeDimensionActivity)activity).To);

    public override Activity Read(string id, JsonFields fields) => new ChangeDimensionActivity(id, fields.String("to", required: true) ?? "",
        fields.String("filter", required: false) ?? "",
        fields.Array("aggregates", required: false).Select(aggregate =>
        {
            var read = new JsonFields(aggregate.Element, aggregate.Path, fields.Errors);
            if (!read.IsObject)
                return new DimensionAggregate("", "", null);
            var result = new DimensionAggregate(read.String("name", required: true) ?? "", read.String("function", required: true) ?? "",
                read.String("column", required: false));
            read.RejectUnknown("an aggregate");
            return result;
        }).ToList());

    protected override void Check(ChangeDimensionActivity change, KindChecks checks)
    {
        if (checks.Input.Entity is { } from)
        {
            if (change.To != "profiles")
                checks.Error(".to", $"takes rows of {from}, which change to their profiles (\"to\": \"profiles\"); to reach another entity, change to profiles first");
            if (change.Filter.Length > 0)
                checks.Error(".filter", $"filters the rows changed to; to keep some rows of {from}, filter them before (in their buildAudience)");
            if (checks.Entities.GetValueOrDefault(from) is { } rows)
                CheckAggregates(change, rows, checks);
            return;
        }
        if (checks.Input != Dimension.Profiles)
            return;
        if (change.To == "profiles")
            checks.Error(".to", "takes profiles already: name the entity whose rows they change to, such as bookings");
        else if (checks.Entities.GetValueOrDefault(change.To) is not { } schema)
            checks.Error(".to", ProfileSchema.IsEntityName(change.To)
                ? $"no entity '{change.To}' on this node: import its rows first (POST /api/entities/{change.To}/import)"
                : $"'{change.To}' is not an entity name: lower-case letters, digits and '_', from a letter");
        else
            checks.Filter(change.Filter, ".filter", BindingScope.ForEntity(schema, checks.Schema, checks.Scope.Variables));
        if (change.Aggregates.Count > 0)
            checks.Error(".aggregates", "aggregates are computed when an entity's rows change to profiles; these are profiles already");
    }

    private static void CheckAggregates(ChangeDimensionActivity change, ProfileSchema rows, KindChecks checks)
    {
        if (change.Aggregates.Count > MaxAggregates)
            checks.Error(".aggregates", $"at most {MaxAggregates} aggregates");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < change.Aggregates.Count; i++)
        {
            var (name, function, column) = change.Aggregates[i];
            var at = $".aggregates[{i}]";
            if (!ProfileSchema.IsValidName(name) || name.Contains('.'))
                checks.Error($"{at}.name", $"'{name}' is not a column name: a letter, then letters, digits and '_'");
            else if (!names.Add(name))
                checks.Error($"{at}.name", $"'{name}' is named twice");
            else if (checks.Schema.Find(name) is not null)
                checks.Error($"{at}.name", $"'{name}' is a profile attribute: an aggregate rides along with the profile under a name of its own");
            if (!Functions.Contains(function))
            {
                checks.Error($"{at}.function", $"'{function}' is not an aggregate function ({string.Join(", ", Functions)})");
                continue;
            }
            if (function == "count")
            {
                if (column is not null)
                    checks.Error($"{at}.column", "count counts the rows: it reads no column");
                continue;
            }
            if (column is null || rows.Find(column) is not { } read)
            {
                checks.Error($"{at}.column", column is null ? $"{function} reads a column of the rows" : $"'{column}' is not a column of the rows");
                continue;
            }
            if (TypeOf(function, read.Type) is null)
                checks.Error($"{at}.column", $"'{column}' is {AttributeTypes.Name(read.Type)}: {function} reads " +
                    (function is "sum" or "avg" ? "int or number columns" : "int, number, string, date or timestamp columns"));
        }
    }

    /// <summary>
    /// The type of an aggregate over a column of <paramref name="column"/>'s type, or null when the function does not
    /// read such columns: count an int; sum an int or number as its column; avg a number; min and max their column's,
    /// dates and timestamps as their ISO text.
    /// </summary>
    public static ExprType? TypeOf(string function, AttributeType? column) => (function, column) switch
    {
        ("count", _) => ExprType.Int,
        ("sum", AttributeType.Int) => ExprType.Int,
        ("sum", AttributeType.Number) or ("avg", AttributeType.Int or AttributeType.Number) => ExprType.Number,
        ("min" or "max", AttributeType.Int) => ExprType.Int,
        ("min" or "max", AttributeType.Number) => ExprType.Number,
        ("min" or "max", AttributeType.String or AttributeType.Date or AttributeType.Timestamp) => ExprType.String,
        _ => null,
    };

    /// <summary>The aggregates that ride along with the profiles, with their types, once checked against the rows' schema.</summary>
    public static IEnumerable<(string Name, ExprType Type)> RideAlong(ChangeDimensionActivity change, ProfileSchema rows) =>
        change.Aggregates.Select(a => (a.Name, Type: TypeOf(a.Function, a.Column is null ? null : rows.Find(a.Column)?.Type)))
            .Where(a => a.Type is not null).Select(a => (a.Name, a.Type!.Value));

    protected override void Write(ChangeDimensionActivity change, Utf8JsonWriter writer)
    {
        writer.WriteString("to", change.To);
        if (change.Filter.Length > 0)
            writer.WriteString("filter", change.Filter);
        if (change.Aggregates.Count == 0)
            return;
        writer.WriteStartArray("aggregates");
        foreach (var aggregate in change.Aggregates)
        {
            writer.WriteStartObject();
            writer.WriteString("name", aggregate.Name);
            writer.WriteString("function", aggregate.Function);
            if (aggregate.Column is not null)
                writer.WriteString("column", aggregate.Column);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
