using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Where a subset's order is cut: every eligible profile, none, or those up to a key (that key's profile included).</summary>
public sealed record SubsetCut(SubsetCut.Extent Kind, OrderKey? Last)
{
    public enum Extent { All, None, UpTo }

    public static SubsetCut All { get; } = new(Extent.All, null);

    public static SubsetCut None { get; } = new(Extent.None, null);

    public static SubsetCut UpTo(OrderKey last) => new(Extent.UpTo, last);

    public bool Takes(OrderKey key, IComparer<OrderKey> order) =>
        Kind == Extent.All || (Kind == Extent.UpTo && order.Compare(key, Last!) <= 0);
}

/// <summary>
/// A split's decision: one cut per subset, in the subsets' order. It travels and is journaled as JSON:
/// <c>[{"takes": "all"}, {"takes": "none"}, {"takes": "upTo", "value": {"int": 7}, "id": 1042}]</c>, the value typed
/// so it reads back as the same value (an int stays an int, a date a date).
/// </summary>
public sealed record SplitDecision(IReadOnlyList<SubsetCut> Cuts)
{
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var cut in Cuts)
            {
                writer.WriteStartObject();
                writer.WriteString("takes", cut.Kind switch { SubsetCut.Extent.All => "all", SubsetCut.Extent.None => "none", _ => "upTo" });
                if (cut.Last is { } last)
                {
                    writer.WritePropertyName("value");
                    WriteValue(writer, last.Value);
                    writer.WriteNumber("id", last.Id);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <exception cref="FormatException">The text is no decision of this form.</exception>
    public static SplitDecision Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new SplitDecision(document.RootElement.EnumerateArray().Select(cut => cut.GetProperty("takes").GetString() switch
        {
            "all" => SubsetCut.All,
            "none" => SubsetCut.None,
            "upTo" => SubsetCut.UpTo(new OrderKey(ReadValue(cut.GetProperty("value")), cut.GetProperty("id").GetInt64())),
            var other => throw new FormatException($"a subset's cut takes all, none or upTo, not '{other}'"),
        }).ToList());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        switch (value)
        {
            case long whole: writer.WriteNumber("int", whole); break;
            case double number: writer.WriteNumber("number", number); break;
            case string text: writer.WriteString("text", text); break;
            case bool flag: writer.WriteBoolean("bool", flag); break;
            case DateOnly date: writer.WriteString("date", date.ToString("O")); break;
            case DateTime instant: writer.WriteString("datetime", instant); break;
            default: throw new NotSupportedException($"a split ordered by a value of type {value.GetType().Name}");
        }
        writer.WriteEndObject();
    }

    private static object? ReadValue(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
            return null;
        var typed = value.EnumerateObject().Single();
        return typed.Name switch
        {
            "int" => typed.Value.GetInt64(),
            "number" => typed.Value.GetDouble(),
            "text" => typed.Value.GetString(),
            "bool" => typed.Value.GetBoolean(),
            "date" => DateOnly.ParseExact(typed.Value.GetString()!, "O"),
            "datetime" => typed.Value.GetDateTime(),
            var other => throw new FormatException($"a split's order value is int, number, text, bool, date or datetime, not '{other}'"),
        };
    }
}

/// <summary>A profile's place in a subset's order: the value it is ordered by (none for id order), then its id.</summary>
public sealed record OrderKey(object? Value, long Id);

/// <summary>
/// A subset's order over the keys of a population's rows: by id; by a random key seeded by the execution, the activity
/// and the subset (<see cref="Seeds.RandomKey"/>), then id; or by an attribute, ascending or descending, nulls last, ties by id.
/// </summary>
public sealed class SubsetOrder : IComparer<OrderKey>
{
    private readonly ProfileBatch _population;
    private readonly object?[]? _values;
    private readonly int? _seed;
    private readonly bool _descending;

    private SubsetOrder(ProfileBatch population, object?[]? values, int? seed, bool descending) =>
        (_population, _values, _seed, _descending) = (population, values, seed, descending);

    public static SubsetOrder Of(Subset subset, SplitActivity split, string execution, ProfileBatch population)
    {
        if (subset.Order is null)
            return new SubsetOrder(population, null, null, false);
        if (subset.Order == "random")
            return new SubsetOrder(population, null, Seeds.For(execution, split.Id, subset.Name), false);
        var parts = subset.Order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SubsetOrder(population, population.ValuesOf(parts[0]), null, parts[1] == "desc");
    }

    public OrderKey KeyOf(int row)
    {
        var id = _population.Ids[row];
        return new OrderKey(_seed is { } seed ? Seeds.RandomKey(id, seed) : _values?[row], id);
    }

    public int Compare(OrderKey? x, OrderKey? y) => RowOrder.Compare(x!.Value, x.Id, y!.Value, y.Id, _descending);
}
