using System.Text.Json;
using System.Text.Json.Serialization;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>A key of a reconciliation: a column of the rows, equal to an attribute of the profile (case aside when <paramref name="IgnoreCase"/>).</summary>
public sealed record ReconciliationKey(string Column, string Attribute, bool IgnoreCase = false);

public sealed record ReconciliationActivity(string Id, IReadOnlyList<ReconciliationKey> Keys) : Activity(Id)
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
        "Matches the rows of a loaded file to profiles by key columns (all equal; case aside where asked): the profiles matched leave by matched, the rows matching none by unmatched.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("keys", "Keys (JSON: [{column, attribute, ignoreCase}])", "json",
            "An array: each key a column of the rows, the profile attribute it must equal, and whether case is ignored (emails).", Required: true),
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
    }).ToList());

    protected override void Check(ReconciliationActivity reconciliation, KindChecks checks)
    {
        var reported = checks.ErrorCount;
        if (reconciliation.Keys.Count is 0 or > MaxKeys)
            checks.Error(".keys", $"must have 1 to {MaxKeys} keys");
        var sources = checks.Inbound.Select(checks.ActivityOf).ToList();
        var load = sources.Count == 1 ? sources[0] as LoadFileActivity : null;
        if (load is null)
            checks.Error("", "takes the rows of one loadFile activity: exactly one inbound transition, from a loadFile");
        for (var k = 0; k < reconciliation.Keys.Count; k++)
        {
            var (column, attribute, _) = reconciliation.Keys[k];
            var declared = load?.Columns.FirstOrDefault(c => c.Name == column);
            if (load is not null && declared is null)
                checks.Error($".keys[{k}].column", $"'{column}' is not a column of '{load.Id}' (it declares {string.Join(", ", load.Columns.Select(c => $"'{c.Name}'"))})");
            else if (declared is { Type: not (AttributeType.String or AttributeType.Int) })
                checks.Error($".keys[{k}].column", $"'{column}' is {AttributeTypes.Name(declared.Type)}: keys are string or int columns");
            if (checks.Schema.Find(attribute) is not { } profile)
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is not a profile attribute");
            else if (profile.Type is not (AttributeType.String or AttributeType.Int))
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is {AttributeTypes.Name(profile.Type)}: keys are string or int attributes");
            else if (declared is { Type: AttributeType.String or AttributeType.Int } && declared.Type != profile.Type)
                checks.Error($".keys[{k}].attribute", $"'{attribute}' is {AttributeTypes.Name(profile.Type)} and '{column}' {AttributeTypes.Name(declared.Type)}: " +
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

    public override bool Takes(Dimension dimension) => dimension == Dimension.FileRows;

    public override string Taken => "the rows of a loaded file";

    /// <summary>The profiles matched, and the file's rows that matched none.</summary>
    public override Dimension Output(Activity activity, string port, Dimension input) =>
        port == ReconciliationActivity.Matched ? Dimension.Profiles : Dimension.FileRows;

    /// <summary>
    /// The columns of <paramref name="load"/>'s file that ride along with the profiles <paramref name="reconciliation"/>
    /// matched, and their types: all but its keys (the profile has their values, case aside); dates and timestamps ride
    /// as their ISO text. Validation keeps their names apart from the profile attributes'; one added to the profiles
    /// later is hidden, for these profiles, by the file's column.
    /// </summary>
    public static IEnumerable<(string Name, ExprType Type)> RideAlong(ReconciliationActivity reconciliation, LoadFileActivity load) =>
        load.Columns.Where(c => reconciliation.Keys.All(k => k.Column != c.Name)).Select(c => (c.Name, c.Type switch
        {
            AttributeType.Int => ExprType.Int,
            AttributeType.Number => ExprType.Number,
            AttributeType.Bool => ExprType.Bool,
            _ => ExprType.String,
        }));

    protected override void Write(ReconciliationActivity reconciliation, Utf8JsonWriter writer)
    {
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
