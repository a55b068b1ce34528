using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// A split's decision over the whole population: for each subset with a limit, how many profiles of each partition it
/// takes (null for a subset without one: it takes every eligible profile). Journaled and sent to the partitions as
/// JSON, one entry per subset in order: <c>[{"subset": "ten", "takes": [3, 4, 3]}, {"subset": "rest"}]</c>.
/// </summary>
public sealed record SplitDecision(IReadOnlyList<long[]?> Takes)
{
    public string ToJson(SplitActivity split)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            for (var s = 0; s < Takes.Count; s++)
            {
                writer.WriteStartObject();
                writer.WriteString("subset", split.Subsets[s].Name);
                if (Takes[s] is { } takes)
                {
                    writer.WriteStartArray("takes");
                    foreach (var count in takes)
                        writer.WriteNumberValue(count);
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <exception cref="FormatException">The text is no decision for <paramref name="split"/> split into <paramref name="partitions"/> partitions.</exception>
    public static SplitDecision Parse(string json, SplitActivity split, int partitions)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var entries = document.RootElement.EnumerateArray().ToList();
            if (entries.Count != split.Subsets.Count)
                throw new FormatException($"the decision of split '{split.Id}' has {entries.Count} subsets, the split {split.Subsets.Count}");
            return new SplitDecision(entries.Select((entry, s) => TakesOf(entry, split, s, partitions)).ToList());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new FormatException($"the decision of split '{split.Id}' cannot be applied: {e.Message}", e);
        }
    }

    /// <summary>What a subset's entry says it takes of each partition (null: every eligible profile).</summary>
    private static long[]? TakesOf(JsonElement entry, SplitActivity split, int s, int partitions)
    {
        var subset = split.Subsets[s];
        if (entry.GetProperty("subset").GetString() != subset.Name)
            throw new FormatException($"its subset {s + 1} is not '{subset.Name}'");
        if (!entry.TryGetProperty("takes", out var takes))
            return subset.Limit is null ? null : throw new FormatException($"subset '{subset.Name}' has a limit and the decision no counts");
        var counts = takes.EnumerateArray().Select(t => t.GetInt64()).ToArray();
        if (subset.Limit is null || counts.Length != partitions || counts.Any(c => c < 0))
            throw new FormatException($"subset '{subset.Name}' takes {takes} (it needs a limit, and a count of at least 0 for each of {partitions} partitions)");
        return counts;
    }
}

/// <summary>
/// A subset's order over a population's rows: by id; by a random key seeded by the execution, the activity and the
/// subset (<see cref="Seeds.RandomKey"/>), then id; or by an attribute, ascending or descending, nulls last, ties by id.
/// </summary>
public sealed class SubsetOrder
{
    private readonly ProfileBatch _population;
    private readonly string? _column;
    private readonly int? _seed;
    private readonly bool _descending;

    private SubsetOrder(ProfileBatch population, string? column, int? seed, bool descending) =>
        (_population, _column, _seed, _descending) = (population, column, seed, descending);

    public static SubsetOrder Of(Subset subset, SplitActivity split, string execution, ProfileBatch population)
    {
        if (subset.Order is null)
            return new SubsetOrder(population, null, null, false);
        if (subset.Order == "random")
            return new SubsetOrder(population, null, Seeds.For(execution, split.Id, subset.Name), false);
        var parts = subset.Order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SubsetOrder(population, parts[0], null, parts[1] == "desc");
    }

    /// <summary>The rows (ascending) in this order.</summary>
    public IEnumerable<int> Sorted(int[] rows)
    {
        if (_seed is { } seed)
            return rows.OrderBy(row => Seeds.RandomKey(_population.Ids[row], seed)).ThenBy(row => _population.Ids[row]);
        return _column is null ? rows : RowOrder.By(_population, rows, _column, _descending);
    }
}
