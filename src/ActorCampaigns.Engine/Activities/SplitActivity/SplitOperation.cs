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
        Ports(split, population, Choose(split, filters, population, context, execution, (s, eligible) => LimitOf(split, s, eligible)));

    /// <summary>How many profiles of each of <paramref name="partitions"/> partitions each limited subset takes, over the whole population.</summary>
    /// <param name="partitionOf">The partition of a profile id.</param>
    public static SplitDecision Decide(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population, EvaluationContext context,
        string execution, Func<long, int> partitionOf, int partitions)
    {
        var chosen = Choose(split, filters, population, context, execution, (s, eligible) => LimitOf(split, s, eligible));
        return new SplitDecision(split.Subsets.Select((subset, s) =>
        {
            if (subset.Limit is null)
                return null;
            var takes = new long[partitions];
            foreach (var row in chosen[s])
                takes[partitionOf(population.Ids[row])]++;
            return takes;
        }).ToList());
    }

    /// <summary>The ports of <paramref name="partition"/>'s profiles, as <paramref name="decision"/> says.</summary>
    /// <returns>Each port's ids, ascending.</returns>
    public static IReadOnlyDictionary<string, long[]> Apply(SplitActivity split, IReadOnlyList<Bound?> filters, SplitDecision decision, int partition,
        ProfileBatch population, EvaluationContext context, string execution) =>
        Ports(split, population, Choose(split, filters, population, context, execution,
            (s, eligible) => decision.Takes[s] is { } takes ? (int)Math.Min(takes[partition], eligible) : null));

    /// <summary>A limited subset's count of its eligible profiles; null for one without a limit (it takes them all).</summary>
    private static int? LimitOf(SplitActivity split, int subset, int eligible) =>
        split.Subsets[subset].Limit is { } limit ? Limit(limit, eligible) : null;

    /// <summary>
    /// The rows each subset takes, in turn: of those it finds eligible, all when <paramref name="take"/> says null, else
    /// the first that many in its order.
    /// </summary>
    private static int[][] Choose(SplitActivity split, IReadOnlyList<Bound?> filters, ProfileBatch population, EvaluationContext context,
        string execution, Func<int, int, int?> take)
    {
        // An empty population carries no columns to evaluate filters on; nothing is eligible.
        if (population.Count == 0)
            return split.Subsets.Select(_ => Array.Empty<int>()).ToArray();
        var taken = new bool[population.Count];
        var chosen = new int[split.Subsets.Count][];
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            var eligible = Enumerable.Range(0, population.Count).Where(row => split.AllowOverlap || !taken[row])
                .Where(population.Predicate(filters[s], context)).ToArray();
            chosen[s] = take(s, eligible.Length) is { } count
                ? SubsetOrder.Of(split.Subsets[s], split, execution, population).Sorted(eligible).Take(count).ToArray()
                : eligible;
            foreach (var row in chosen[s])
                taken[row] = true;
        }
        return chosen;
    }

    /// <summary>Each subset's port (ids ascending), and the complement: what no subset took.</summary>
    private static Dictionary<string, long[]> Ports(SplitActivity split, ProfileBatch population, int[][] chosen)
    {
        var ports = new Dictionary<string, long[]>();
        var taken = new bool[population.Count];
        for (var s = 0; s < split.Subsets.Count; s++)
        {
            foreach (var row in chosen[s])
                taken[row] = true;
            ports[split.Subsets[s].Name] = chosen[s].Order().Select(row => population.Ids[row]).ToArray();
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
}
