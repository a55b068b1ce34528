using ActorCampaigns.Domain.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

public sealed record SplitLimit(long? Count, double? Percent);

public sealed record Subset(string Name, string? Filter, SplitLimit? Limit, string? Order);

public sealed record SplitActivity(string Id, IReadOnlyList<Subset> Subsets, bool Complement, bool AllowOverlap) : Activity(Id)
{
    [JsonIgnore]
    public override IReadOnlyList<string> OutputPorts =>
        [.. Subsets.Select(s => s.Name), .. Complement ? new[] { "complement" } : []];
}

public sealed class SplitKind : ActivityKind<SplitActivity>
{
    public override string Type => "split";

    public override ActivityGroup Group => ActivityGroup.Targeting;

    public override string Summary =>
        "Divides its population into subsets, in order, each by a filter and/or a limit (a count or a percent, in an order: an attribute or random); " +
        "each subset is a port; without allowOverlap a profile goes to the first subset that takes it; with complement, the rest leave by complement.";

    public override IReadOnlyList<KindField> Fields { get; } =
    [
        new("subsets", "Subsets (JSON)", "json",
            "A list of subsets: `name` (its port), optional `filter`, optional `limit` (`{\"count\": n}` or `{\"percent\": p}`), optional `order` (\"attribute asc\", \"attribute desc\" or \"random\").",
            Required: true),
        new("complement", "Complement", "bool", "Send the profiles no subset took by the complement port."),
        new("allowOverlap", "Allow overlap", "bool", "Let a profile be in several subsets (each subset draws from the whole population)."),
    ];

    public override IReadOnlyList<PortRule> Ports => [new(Each: "subsets", Name: "name"), new(Port: "complement", When: "complement")];

    public override PopulationScope Scope => PopulationScope.WholePopulation;

    public override string Start => """{ "subsets": [{ "name": "first", "filter": "" }], "complement": true }""";

    public override string Icon => "M8 14V8L3 3M8 8l5-5M3 3v3M3 3h3M13 3v3M13 3h-3";

    public override Activity Read(string id, JsonFields fields)
    {
        var subsets = new List<Subset>();
        foreach (var (element, path) in fields.Array("subsets", required: true))
        {
            var subset = new JsonFields(element, path, fields.Errors);
            if (!subset.IsObject)
                continue;
            SplitLimit? limit = null;
            if (subset.Object("limit", required: false) is { } limitFields)
            {
                limit = new SplitLimit(limitFields.Whole("count"), limitFields.Number("percent"));
                if ((limit.Count is null) == (limit.Percent is null))
                    limitFields.Error(limitFields.Path, "must have exactly one of count or percent");
                if (limit.Count < 0)
                    limitFields.Error(limitFields.At("count"), "must not be negative");
                if (limit.Percent is < 0 or > 100)
                    limitFields.Error(limitFields.At("percent"), "must be between 0 and 100");
                limitFields.RejectUnknown("a limit");
            }
            subsets.Add(new Subset(subset.String("name", required: true) ?? "", subset.String("filter", required: false), limit,
                subset.String("order", required: false)));
            subset.RejectUnknown("a subset");
        }
        if (subsets.Count == 0 && fields.Get("subsets") is { ValueKind: System.Text.Json.JsonValueKind.Array })
            fields.Error(fields.At("subsets"), "must have at least one subset");
        return new SplitActivity(id, subsets, fields.Bool("complement"), fields.Bool("allowOverlap"));
    }

    protected override void Check(SplitActivity split, KindChecks checks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var at = $".subsets[{s}]";
            if (checks.PortName(subset.Name, $"{at}.name", "subset", "complement") && !names.Add(subset.Name))
                checks.Error($"{at}.name", $"duplicate subset name '{subset.Name}'");
            if (subset.Filter is not null)
                checks.Filter(subset.Filter, $"{at}.filter");
            if (subset.Order is not null && subset.Order != "random")
            {
                var parts = subset.Order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[1] is not ("asc" or "desc"))
                    checks.Error($"{at}.order", $"'{subset.Order}' is not \"attribute asc\", \"attribute desc\" or \"random\"");
                else
                    checks.Column(parts[0], $"{at}.order");
            }
        }
    }

    protected override void Write(SplitActivity split, Utf8JsonWriter writer)
    {
        writer.WriteStartArray("subsets");
        foreach (var subset in split.Subsets)
        {
            writer.WriteStartObject();
            writer.WriteString("name", subset.Name);
            if (subset.Filter is not null)
                writer.WriteString("filter", subset.Filter);
            if (subset.Limit is { } limit)
            {
                writer.WriteStartObject("limit");
                if (limit.Count is { } count)
                    writer.WriteNumber("count", count);
                if (limit.Percent is { } percent)
                {
                    writer.WritePropertyName("percent");
                    CampaignFormat.WriteNumber(writer, percent);
                }
                writer.WriteEndObject();
            }
            if (subset.Order is not null)
                writer.WriteString("order", subset.Order);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteBoolean("complement", split.Complement);
        writer.WriteBoolean("allowOverlap", split.AllowOverlap);
    }

    protected override IEnumerable<string> Columns(SplitActivity split, BindingScope scope) =>
        split.Subsets.SelectMany(s => NamesIn(s.Filter ?? "", scope)
            .Concat(s.Order is { } order && order != "random" ? [order.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]] : []));
}
