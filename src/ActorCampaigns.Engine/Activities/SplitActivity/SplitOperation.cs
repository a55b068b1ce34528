using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// SplitActivity as contract section 2 pins it: subsets in order; without allowOverlap each draws from what earlier ones
/// left, with it from the whole population; a subset takes the profiles matching its filter, in its order (id asc by
/// default, an attribute with nulls last and ties by id, or random seeded by the execution), up to its limit
/// (a count, or floor(eligible x percent / 100)); complement is what no subset took.
/// It runs in two steps: <see cref="Decide"/> looks at the whole population and says how many profiles of each
/// partition each limited subset takes (<see cref="SplitDecision"/>); <see cref="Apply"/> takes, in a partition, the
/// first that many of its eligible profiles in the subset's order. Since the first <c>limit</c> of the whole in an order
/// are, in each partition, the first of that partition in the same order, the partitions together take what the whole
/// would; and whatever changed between the decision and a partition's run, no subset takes more than its limit.
/// </summary>
public static class SplitOperation
{
    public const string Complement = "complement";

    /// <param name="filters">The bound filter of each subset, null where it has none.</param>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Run(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population,
        EvaluationContext context, string execution) =>
        Apply(split, filters, Decide(split, filters, population, context, execution, _ => 0, 1), 0, population, context, execution);

    /// <summary>How many profiles of each of <paramref name="partitions"/> partitions each limited subset takes, over the whole population.</summary>
    /// <param name="partitionOf">The partition of a profile id.</param>
    public static SplitDecision Decide(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population, EvaluationContext context,
        string execution, Func<long, int> partitionOf, int partitions)
    {
        var takes = new long[]?[split.Subsets.Count];
        var taken = new bool[population.Count];
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var eligible = Eligible(split, filters[s], population, context, taken).ToArray();
            var chosen = subset.Limit is null ? eligible
                : SubsetOrder.Of(subset, split, execution, population).Sorted(eligible).Take(Limit(subset.Limit, eligible.Length)).ToArray();
            foreach (var row in chosen)
                taken[row] = true;
            if (subset.Limit is null)
                continue;
            takes[s] = new long[partitions];
            foreach (var row in chosen)
                takes[s]![partitionOf(population.Ids[row])]++;
        }
        return new SplitDecision(takes);
    }

    /// <summary>The ports of <paramref name="partition"/>'s profiles (the whole population when it is the only one), as <paramref name="decision"/> says.</summary>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Apply(SplitActivity split, IReadOnlyList<Bound?> filters, SplitDecision decision, int partition,
        ProfileBatch population, EvaluationContext context, string execution)
    {
        var taken = new bool[population.Count];
        var ports = new Dictionary<string, long[]>();
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var subset = split.Subsets[s];
            var eligible = Eligible(split, filters[s], population, context, taken).ToArray();
            var chosen = decision.Takes[s] is not { } takes ? eligible
                : SubsetOrder.Of(subset, split, execution, population).Sorted(eligible).Take((int)Math.Min(takes[partition], eligible.Length)).ToArray();
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

    /// <summary>Rows matching the subset's filter (ascending), among those no earlier subset took unless subsets overlap.</summary>
    private static IEnumerable<int> Eligible(SplitActivity split, Bound? filter, ProfileBatch population, EvaluationContext context, bool[] taken) =>
        Enumerable.Range(0, population.Count).Where(row => split.AllowOverlap || !taken[row]).Where(population.Predicate(filter, context));
}
