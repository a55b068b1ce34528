using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Engine.Activities;
using CsCheck;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>
/// A split decided once over the whole population and applied to each id range of it, as the partitions of an execution
/// would, gives every port exactly what the split of the whole gives: on ids with gaps, null scores, ties, filters,
/// count and percent limits, every order, with and without overlap; and when the profiles change between the decision
/// and the partitions' runs, no subset takes more than its limit.
/// </summary>
public class SplitDecisionProperties
{
    private sealed record Row(long Id, string Country, long? Score);

    private static readonly Gen<List<Row>> Rows =
        Gen.Select(Gen.Long[1, 40], Gen.OneOf("FR", "DE", "IT"), Gen.Long[-1, 6].Select(s => s < 0 ? (long?)null : s)).Select((gap, country, score) => (gap, country, score))
            .List[0, 80]
            .Select(drawn =>
            {
                var id = 0L;
                return drawn.Select(d => new Row(id += d.gap, d.country, d.score)).ToList();
            });

    private static readonly Gen<Subset> Subsets = Gen.Select(
        Gen.OneOf<string?>(null, "country = 'FR'", "country <> 'IT'", "score >= 3"),
        Gen.OneOf(Gen.Const((SplitLimit?)null), Gen.Long[0, 30].Select(c => (SplitLimit?)new SplitLimit(c, null)),
            Gen.Double[0, 100].Select(p => (SplitLimit?)new SplitLimit(null, Math.Round(p, 1)))),
        Gen.OneOf<string?>(null, "random", "score asc", "score desc"))
        .Select((filter, limit, order) => new Subset("s", filter, limit, order));

    private static readonly BindingScope Scope = new(
        new Dictionary<string, ExprType> { ["country"] = ExprType.String, ["score"] = ExprType.Int }, BindingScope.NoVariables);

    private static ProfileBatch Population(IReadOnlyList<Row> rows) => new(rows.Select(r => r.Id).ToArray(),
    [
        new PopulationColumn("country", ExprType.String, rows.Select(r => (object?)r.Country).ToArray()),
        new PopulationColumn("score", ExprType.Int, rows.Select(r => (object?)r.Score).ToArray()),
    ]);

    private static readonly EvaluationContext Context = EvaluationContext.At(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));

    private static (SplitActivity Split, List<Bound?> Filters) Split(Subset[] drawn, bool overlap)
    {
        var subsets = drawn.Select((s, i) => s with { Name = $"s{i}" }).ToList();
        return (new SplitActivity("split", subsets, Complement: true, overlap),
            subsets.Select(s => s.Filter is null ? null : Expression.CheckFilter(s.Filter, Scope).Bound).ToList());
    }

    /// <summary>Rows grouped into id ranges by boundaries drawn from <paramref name="cuts"/>, as an execution's partitions are.</summary>
    private static Engine.Executions.ExecutionPartitions Partitions(int[] cuts) => new(cuts.Select(c => (long)c * 10).Distinct().Order().ToList());

    [Fact]
    public void A_decision_over_the_whole_applied_to_each_partition_gives_what_the_whole_gives()
    {
        Gen.Select(Rows, Subsets.Array[1, 4], Gen.Bool, Gen.Int[0, 90].Array[0, 5]).Sample((rows, drawn, overlap, cuts) =>
        {
            var (split, filters) = Split(drawn, overlap);
            var whole = SplitOperation.Run(split, filters, Population(rows), Context, "e-1");
            var partitions = Partitions(cuts);
            var decided = SplitOperation.Decide(split, filters, Population(rows), Context, "e-1", partitions.Of, partitions.Count);
            // As the journal and the partitions' assignments carry it.
            var decision = SplitDecision.Parse(decided.ToJson(split), split, partitions.Count);
            var applied = Enumerable.Range(0, partitions.Count).Select(p => SplitOperation.Apply(split, filters, decision, p,
                Population(rows.Where(r => partitions.Of(r.Id) == p).ToList()), Context, "e-1")).ToList();
            foreach (var (port, ids) in whole)
                Assert.Equal(ids, applied.SelectMany(ports => ports[port]).ToArray());
        }, iter: 2_000);
    }

    [Fact]
    public void Profiles_that_changed_after_the_decision_never_make_a_subset_take_more_than_its_limit()
    {
        Gen.Select(Rows, Rows, Subsets.Array[1, 4], Gen.Bool, Gen.Int[0, 90].Array[0, 5]).Sample((before, later, drawn, overlap, cuts) =>
        {
            var (split, filters) = Split(drawn, overlap);
            var partitions = Partitions(cuts);
            var decision = SplitOperation.Decide(split, filters, Population(before), Context, "e-1", partitions.Of, partitions.Count);
            // By the time the partitions run, the population is another one.
            var applied = Enumerable.Range(0, partitions.Count).Select(p => SplitOperation.Apply(split, filters, decision, p,
                Population(later.Where(r => partitions.Of(r.Id) == p).ToList()), Context, "e-1")).ToList();
            for (var s = 0; s < split.Subsets.Count; s++)
            {
                if (decision.Takes[s] is { } takes)
                    Assert.True(applied.Sum(ports => ports[$"s{s}"].Length) <= takes.Sum());
            }
        }, iter: 1_000);
    }
}
