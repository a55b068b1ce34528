using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Keeps <c>keep</c> profiles per distinct key tuple: the lowest or highest by the <c>by</c> attribute (nulls last,
/// ties by lowest id) or a random few (seeded by the execution). A profile with a null key is never a duplicate.
/// </summary>
public static class DeduplicateOperation
{
    public const string Out = Transition.DefaultPort;
    public const string Duplicates = "duplicates";

    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Run(DeduplicateActivity dedup, ProfileBatch population, string execution)
    {
        var keys = dedup.Keys.Select(population.ValuesOf).ToArray();
        var groups = new Dictionary<object?[], List<int>>(new KeyComparer());
        var kept = new bool[population.Count];
        for (var row = 0; row < population.Count; row++)
        {
            var key = keys.Select(column => column[row]).ToArray();
            if (key.Any(value => value is null))
            {
                kept[row] = true;
                continue;
            }
            if (!groups.TryGetValue(key, out var rows))
                groups[key] = rows = [];
            rows.Add(row);
        }
        var seed = Seeds.For(execution, dedup.Id, "keep");
        foreach (var rows in groups.Values)
        {
            var ordered = dedup.Method == DeduplicateMethod.Random
                ? Seeds.Shuffled(rows, seed ^ rows[0])
                : RowOrder.By(population, rows, dedup.By, descending: dedup.Method == DeduplicateMethod.Highest);
            foreach (var row in ordered.Take(dedup.Keep))
                kept[row] = true;
        }
        return new Dictionary<string, long[]>
        {
            [Out] = Enumerable.Range(0, population.Count).Where(row => kept[row]).Select(row => population.Ids[row]).ToArray(),
            [Duplicates] = Enumerable.Range(0, population.Count).Where(row => !kept[row]).Select(row => population.Ids[row]).ToArray(),
        };
    }

    /// <summary>Key tuples are equal when every value is, as SQL's = sees them (text by code point, 1 = 1.0).</summary>
    private sealed class KeyComparer : IEqualityComparer<object?[]>
    {
        public bool Equals(object?[]? x, object?[]? y) =>
            x!.Length == y!.Length && Enumerable.Range(0, x.Length).All(i => Evaluator.Compare(x[i], y[i]) == 0);

        public int GetHashCode(object?[] key)
        {
            var hash = new HashCode();
            foreach (var value in key)
                hash.Add(value is long whole ? (double)whole : value);
            return hash.ToHashCode();
        }
    }
}
