using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Engine.Tests.Activities;

public class SplitOperationTests
{
    private static IReadOnlyDictionary<string, long[]> Run(bool allowOverlap, string execution = "e-1", params Subset[] subsets)
    {
        var split = new SplitActivity("split", subsets, Complement: true, allowOverlap);
        var filters = subsets.Select(s => s.Filter is null ? null : Expression.CheckFilter(s.Filter, Population.Scope).Bound).ToList();
        return SplitOperation.Run(split, filters, Population.Ten, Population.Context, execution);
    }

    private static readonly Subset France = new("fr", "country = 'FR'", null, null);

    [Fact]
    public void Subsets_take_in_turn_from_what_is_left_by_order_and_limit()
    {
        var ports = Run(false, "e-1", France, new Subset("top", null, new SplitLimit(2, null), "score desc"));
        Assert.Equal([1L, 2, 4, 8, 9], ports["fr"]);
        Assert.Equal([3L, 7], ports["top"]);
        Assert.Equal([5L, 6, 10], ports["complement"]);
    }

    [Fact]
    public void With_overlap_each_subset_draws_from_everyone()
    {
        var without = Run(false, "e-1", France, new Subset("low", null, new SplitLimit(2, null), "score asc"));
        Assert.Equal([6L, 10], without["low"]);
        var with = Run(true, "e-1", France, new Subset("low", null, new SplitLimit(2, null), "score asc"));
        Assert.Equal([4L, 10], with["low"]);
        Assert.Equal([3L, 5, 6, 7], with["complement"]);
    }

    [Theory]
    [InlineData(50, new long[] { 1, 3, 4, 5 })]
    [InlineData(12.5, new long[] { 1 })]
    [InlineData(100, new long[] { 1, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(0, new long[] { })]
    public void A_percent_limit_is_the_floor_of_the_eligible_share(double percent, long[] expected)
    {
        var ports = Run(false, "e-1", new Subset("p", "score is not null", new SplitLimit(null, percent), null));
        Assert.Equal(expected, ports["p"]);
        Assert.Equal(10 - expected.Length, ports["complement"].Length);
    }

    [Fact]
    public void A_random_order_is_the_same_for_one_execution()
    {
        var random = new Subset("sample", null, new SplitLimit(3, null), "random");
        var first = Run(false, "e-7", random);
        Assert.Equal(3, first["sample"].Length);
        Assert.Equal(first["sample"], Run(false, "e-7", random)["sample"]);
        Assert.Equal(first["sample"].Order(), first["sample"]);
        var samples = Enumerable.Range(1, 20).Select(e => string.Join(",", Run(false, $"e-{e}", random)["sample"])).Distinct();
        Assert.True(samples.Count() > 1);
    }

    [Fact]
    public void An_empty_population_without_columns_decides_that_each_limited_subset_takes_nothing_of_any_partition()
    {
        var split = new SplitActivity("split", [France with { Limit = new SplitLimit(3, null) }, new Subset("top", null, null, "score desc")], true, false);
        var filters = split.Subsets.Select(s => s.Filter is null ? null : Expression.CheckFilter(s.Filter, Population.Scope).Bound).ToList();
        var decision = SplitOperation.Decide(split, filters, new Domain.Populations.ProfileBatch([], []), Population.Context, "e-1", _ => 0, 3);
        Assert.Equal([0L, 0, 0], decision.Takes[0]!);
        Assert.Null(decision.Takes[1]);
        Assert.All(SplitOperation.Apply(split, filters, decision, 1, new Domain.Populations.ProfileBatch([], []), Population.Context, "e-1").Values,
            Assert.Empty);
    }

    [Theory]
    [InlineData("""[{"subset":"fr","takes":[1,-1]}]""", "a count of at least 0")]
    [InlineData("""[{"subset":"de","takes":[1,1]}]""", "is not 'fr'")]
    [InlineData("""[{"subset":"fr","takes":[1,1,1]}]""", "each of 2 partitions")]
    [InlineData("""[{"subset":"fr"}]""", "has a limit and the decision no counts")]
    [InlineData("""[{"takes":[1,1]}]""", "cannot be applied")]
    [InlineData("""{"fr":1}""", "cannot be applied")]
    public void A_decision_that_does_not_fit_its_split_is_refused_with_why(string json, string reason)
    {
        var split = new SplitActivity("split", [France with { Limit = new SplitLimit(3, null) }], true, false);
        Assert.Contains(reason, Assert.Throws<FormatException>(() => SplitDecision.Parse(json, split, 2)).Message);
    }
}
