using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// A key of a reconciliation: a column of the rows, equal to an attribute of what they are matched to (a profile's, or a
/// column of the entity <see cref="ReconciliationActivity.To"/> names), case aside when <paramref name="IgnoreCase"/>.
/// </summary>
public sealed record ReconciliationKey(string Column, string Attribute, bool IgnoreCase = false);

/// <param name="To"><c>profiles</c>, or the entity whose rows the rows are matched to.</param>
public sealed record ReconciliationActivity(string Id, IReadOnlyList<ReconciliationKey> Keys, string To = "profiles") : Activity(Id)
{
    public const string Matched = "matched";
    public const string Unmatched = "unmatched";

    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts => [Matched, Unmatched];
}

public sealed class ReconciliationKind : ActivityKind<ReconciliationActivity>
{
    public const int MaxKeys = 8;

    public override string Type => "reconciliation";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Matches the rows of a loaded file or of an entity to profiles, or to another entity's rows, by key columns (all equal; case aside where asked): " +
        "what they matched leaves by matched (each once), the rows matching none by unmatched.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("to", "To", "text", "profiles (the default), or the entity whose rows the rows are matched to, such as bookings."),
        new("keys", "Keys (JSON: [{column, attribute, ignoreCase}])", "json",
            "An array: each key a column of the rows, the attribute (a profile's, or a column of the entity matched to) it must equal, and whether case is ignored (emails).",
            Required: true),
    ];

    public override IReadOnlyList<PortRule> Ports => [PortRule.Fixed(ReconciliationActivity.Matched), PortRule.Fixed(ReconciliationActivity.Unmatched)];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "keys": [ { "column": "email", "attribute": "email", "ignoreCase": true } ] }""";

    public override string Icon => "M2 4h5v8H2zM9 4h5v8H9zM7 8h2";

    public override Activity Read(string id, JsonFields fields) => new ReconciliationActivity(id, fields.Array("keys", required: true).Select(key =>
    {
        var keyFields = new JsonFields(key.Element, key.Path, fields.Errors);
        if (!keyFields.IsObject)
            return new ReconciliationKey("", "");
        var read = new ReconciliationKey(keyFields.String("column", required: true) ?? "", keyFields.String("attribute", required: true) ?? "",
            keyFields.Get("ignoreCase") is not null && keyFields.Bool("ignoreCase"));
        keyFields.RejectUnknown("a key");
        return read;
    }).ToList(), fields.String("to", required: false) ?? "profiles");

    protected override void Check(ReconciliationActivity reconciliation, KindChecks checks)
    {
        var reported = checks.ErrorCount;
        if (reconciliation.Keys.Count is 0 or > MaxKeys)
            checks.Error(".keys", $"must have 1 to {MaxKeys} keys");
        var load = checks.Input == Dimension.FileRows ? LoadOf(reconciliation, checks) : null;
        // The columns of the rows taken: the load's, or the entity's (unknown: its import is reported where the rows are picked).
        IReadOnlyList<(string Name, AttributeType Type)>? columns = checks.Input switch
        {
            { Kind: DimensionKind.File } => load?.Columns.Select(c => (c.Name, c.Type)).ToList(),
            { Entity: { } entity } => checks.Entities.GetValueOrDefault(entity)?.Attributes.Select(a => (a.Name, a.Type)).ToList(),
            _ => null,
        };
        if (checks.Input == Dimension.Profiles)
            checks.Error("", "takes the rows of one loadFile activity or of an entity (bookings…): profiles are matched already");
        var (target, what) = reconciliation.To == "profiles" ? (checks.Schema, "a profile attribute") : (checks.Entities.GetValueOrDefault(reconciliation.To), $"a column of {reconciliation.To}");
        if (target is null)
            checks.Error(".to", ProfileSchema.IsEntityName(reconciliation.To)
                ? $"no entity '{reconciliation.To}' on this node: import its rows first (POST /api/entities/{reconciliation.To}/import)"
                : $"'{reconciliation.To}' is not an entity name: lower-case letters, digits and '_', from a letter");
        else if (reconciliation.To == checks.Input.Entity)
            checks.Error(".to", $"takes rows of {reconciliation.To}, which would match themselves: name profiles or another entity");
        var rows = load is not null ? $"'{load.Id}'" : $"the rows of {checks.Input.Entity}";
        for (var k = 0; k < reconciliation.Keys.Count; k++)
        {
            var (column, attribute, _) = reconciliation.Keys[k];
            var declared = columns?.FirstOrDefault(c => c.Name == column);
            if (columns is not null && declared is not { Name: not null })
                checks.Error($".keys[{k}].column", $"'{column}' is not a column of {rows} (columns: {string.Join(", ", columns.Select(c => $"'{c.Name}'"))})");
            else if (declared is { Name: not null, Type: not (AttributeType.String or AttributeType.Int) })
                checks.Error($".keys[{k}].column", $"'{column}' is {AttributeTypes.Name(declared.Value.Type)}: keys are string or int columns");
            if (target is null)
                continue;
            if (target.Find(attribute) is not { } matched)
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is not {what}");
            else if (matched.Type is not (AttributeType.String or AttributeType.Int))
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is {AttributeTypes.Name(matched.Type)}: keys are string or int attributes");
            else if (declared is { Name: not null, Type: AttributeType.String or AttributeType.Int } && declared.Value.Type != matched.Type)
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is {AttributeTypes.Name(matched.Type)} and '{column}' {AttributeTypes.Name(declared.Value.Type)}: " +
                    "a key compares values of one type");
        }
        // Which columns ride along depends on the keys: once they are right.
        if (load is not null && checks.ErrorCount == reported)
        {
            foreach (var (name, _) in RideAlong(reconciliation, load).Where(c => checks.Schema.Find(c.Name) is not null))
                checks.Error("", $"'{load.Id}' declares '{name}', which rides along with the profiles matched and is named like a profile attribute: " +
                    "declare it under a name of its own (or make it a key)");
        }
    }

    /// <summary>The one loadFile whose rows the reconciliation takes (they are read where it kept them), or null, reported.</summary>
    private static LoadFileActivity? LoadOf(ReconciliationActivity reconciliation, KindChecks checks)
    {
        var sources = checks.Inbound.Select(checks.ActivityOf).ToList();
        if (sources.Count == 1 && sources[0] is LoadFileActivity load)
            return load;
        checks.Error("", "takes the rows of a file from one loadFile activity: exactly one inbound transition, from the loadFile");
        return null;
    }

    public override bool Takes(Dimension dimension) => dimension.Kind != DimensionKind.Profiles;

    public override string Taken => "the rows of a loaded file or of an entity";

    /// <summary>What was matched (profiles, or the rows of the entity it matches to), and the rows taken that matched none.</summary>
    public override Dimension Output(Activity activity, string port, Dimension input) =>
        port == ReconciliationActivity.Matched ? Dimension.Named(((ReconciliationActivity)activity).To) : input;

    /// <summary>
    /// The columns of <paramref name="load"/>'s file that ride along with the profiles <paramref name="reconciliation"/>
    /// matched, and their types: all but its keys (the profile has their values, case aside); dates and timestamps ride
    /// as their ISO text. Validation keeps their names apart from the profile attributes'; one added to the profiles
    /// later is hidden, for these profiles, by the file's column. None ride along with an entity's rows matched (rows
    /// carry no enrich columns).
    /// </summary>
    public static IEnumerable<(string Name, ExprType Type)> RideAlong(ReconciliationActivity reconciliation, LoadFileActivity load) =>
        reconciliation.To != "profiles" ? [] : load.Columns.Where(c => reconciliation.Keys.All(k => k.Column != c.Name)).Select(c => (c.Name, c.Type switch
        {
            AttributeType.Int => ExprType.Int,
            AttributeType.Number => ExprType.Number,
            AttributeType.Bool => ExprType.Bool,
            _ => ExprType.String,
        }));

    protected override void Write(ReconciliationActivity reconciliation, Utf8JsonWriter writer)
    {
        if (reconciliation.To != "profiles")
            writer.WriteString("to", reconciliation.To);
        writer.WriteStartArray("keys");
        foreach (var key in reconciliation.Keys)
        {
            writer.WriteStartObject();
            writer.WriteString("column", key.Column);
            writer.WriteString("attribute", key.Attribute);
            writer.WriteBoolean("ignoreCase", key.IgnoreCase);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
