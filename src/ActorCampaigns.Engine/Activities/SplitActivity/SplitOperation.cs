using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// SplitActivity as contract section 2 pins it: subsets in order; without allowOverlap each draws from what earlier ones
/// left, with it from the whole population; a subset takes the profiles matching its filter, in its order (id asc by
/// default, an attribute with nulls last and ties by id, or random seeded by the execution), up to its limit
/// (a count, or floor(eligible x percent / 100)); complement is what no subset took.
/// It runs in two steps: <see cref="Decide"/> looks at the whole population and cuts each subset's order at its
/// limit (<see cref="SplitDecision"/>); <see cref="Apply"/> takes, from any part of the population, the eligible
/// profiles up to each cut. Applied to every id range of the population, the decision gives what the whole gives.
/// </summary>
public static class SplitOperation
{
    public const string Complement = "complement";

    /// <param name="filters">The bound filter of each subset, null where it has none.</param>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Run(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population,
        EvaluationContext context, string execution) =>
        Apply(split, filters, Decide(split, filters, population, context, execution), population, context, execution);

    /// <summary>Where each subset's order is cut, over the whole population: what its limit takes of the profiles eligible for it.</summary>
    public static SplitDecision Decide(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population, EvaluationContext context,
        string execution)
    {
        var cuts = new SubsetCut[split.Subsets.Count];
        var taken = new bool[population.Count];
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var order = SubsetOrder.Of(subset, split, execution, population);
            var eligible = Eligible(split, filters[s], population, context, taken).ToArray();
            var limit = Limit(subset.Limit, eligible.Length);
            if (limit == eligible.Length)
            {
                cuts[s] = SubsetCut.All;
                foreach (var row in eligible)
                    taken[row] = true;
                continue;
            }
            var keys = eligible.Select(order.KeyOf).ToArray();
            Array.Sort(keys, eligible, order);
            cuts[s] = limit == 0 ? SubsetCut.None : SubsetCut.UpTo(keys[limit - 1]);
            foreach (var row in eligible.AsSpan(0, limit))
                taken[row] = true;
        }
        return new SplitDecision(cuts);
    }

    /// <summary>The ports of a part of the population (all of it, or an id range), as <paramref name="decision"/> cuts each subset.</summary>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Apply(SplitActivity split, IReadOnlyList<Bound?> filters, SplitDecision decision,
        ProfileBatch population, EvaluationContext context, string execution)
    {
        var taken = new bool[population.Count];
        var ports = new Dictionary<string, long[]>();
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var cut = decision.Cuts[s];
            var order = SubsetOrder.Of(split.Subsets[s], split, execution, population);
            var chosen = Eligible(split, filters[s], population, context, taken).Where(row => cut.Takes(order.KeyOf(row), order)).ToArray();
            foreach (var row in chosen)
                taken[row] = true;
            ports[split.Subsets[s].Name] = chosen.Select(row => population.Ids[row]).ToArray();
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

    /// <summary>Rows matching the subset's filter (ascending), among those no earlier subset took unless subsets overlap.</summary>
    private static IEnumerable<int> Eligible(SplitActivity split, Bound? filter, ProfileBatch population, EvaluationContext context, bool[] taken) =>
        Enumerable.Range(0, population.Count).Where(row => split.AllowOverlap || !taken[row]).Where(population.Predicate(filter, context));
}
