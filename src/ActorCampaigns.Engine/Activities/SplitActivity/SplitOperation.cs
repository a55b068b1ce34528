using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// SplitActivity as contract section 2 pins it: subsets in order; without allowOverlap each draws from what earlier ones
/// left, with it from the whole population; a subset takes the profiles matching its filter, in its order (id asc by
/// default, an attribute with nulls last and ties by id, or random seeded by the execution), up to its limit
/// (a count, or floor(eligible x percent / 100)); complement is what no subset took.
/// </summary>
public static class SplitOperation
{
    public const string Complement = "complement";

    /// <param name="filters">The bound filter of each subset, null where it has none.</param>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Run(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population,
        EvaluationContext context, string execution)
    {
        var taken = new bool[population.Count];
        var ports = new Dictionary<string, long[]>();
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var drawFrom = Enumerable.Range(0, population.Count).Where(row => split.AllowOverlap || !taken[row]);
            var eligible = Matching(population, drawFrom, filters[s], context);
            var chosen = Ordered(population, eligible, subset.Order, Seeds.For(execution, split.Id, subset.Name))
                .Take(Limit(subset.Limit, eligible.Count)).ToArray();
            foreach (var row in chosen)
                taken[row] = true;
            Array.Sort(chosen);
            ports[subset.Name] = chosen.Select(row => population.Ids[row]).ToArray();
        }
        if (split.Complement)
            ports[Complement] = Enumerable.Range(0, population.Count).Where(row => !taken[row]).Select(row => population.Ids[row]).ToArray();
        return ports;
    }

    public static int Limit(SplitLimit? limit, int eligible) => limit switch
    {
        { Count: { } count } => (int)Math.Min(count, eligible),
        { Percent: { } percent } => (int)Math.Floor((decimal)eligible * (decimal)percent / 100m),
        _ => eligible,
    };

    private static List<int> Matching(ProfileBatch population, IEnumerable<int> rows, Bound? filter, EvaluationContext context) =>
        rows.Where(population.Predicate(filter, context)).ToList();

    private static IEnumerable<int> Ordered(ProfileBatch population, List<int> rows, string? order, int seed)
    {
        if (order is null)
            return rows;
        if (order == "random")
            return rows.OrderBy(row => Seeds.RandomKey(population.Ids[row], seed)).ThenBy(row => population.Ids[row]);
        var parts = order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return RowOrder.By(population, rows, parts[0], descending: parts[1] == "desc");
    }
}
