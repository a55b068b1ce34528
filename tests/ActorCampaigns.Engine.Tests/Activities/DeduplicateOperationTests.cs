using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Tests.Activities;

public class DeduplicateOperationTests
{
    private static IReadOnlyDictionary<string, long[]> Run(string[] keys, DeduplicateMethod method, int keep = 1, string execution = "e-1") =>
        DeduplicateOperation.Run(new DeduplicateActivity("dedup", keys, keep, method, "score"), Population.Ten, execution);

    [Theory]
    [InlineData(DeduplicateMethod.Lowest, 1, new long[] { 1, 4, 6, 7, 9, 10 }, new long[] { 2, 3, 5, 8 })]
    [InlineData(DeduplicateMethod.Highest, 1, new long[] { 3, 4, 5, 6, 7, 9 }, new long[] { 1, 2, 8, 10 })]
    [InlineData(DeduplicateMethod.Lowest, 2, new long[] { 1, 2, 4, 5, 6, 7, 8, 9, 10 }, new long[] { 3 })]
    public void Keeps_the_lowest_or_highest_per_email_nulls_last_ties_by_id_and_never_a_null_key(
        DeduplicateMethod method, int keep, long[] kept, long[] duplicates)
    {
        var ports = Run(["email"], method, keep);
        Assert.Equal(kept, ports["out"]);
        Assert.Equal(duplicates, ports["duplicates"]);
    }

    [Fact]
    public void Several_keys_make_one_tuple()
    {
        var ports = Run(["email", "country"], DeduplicateMethod.Lowest);
        Assert.Equal([8L], ports["duplicates"]);
    }

    [Fact]
    public void Random_keeps_one_per_key_the_same_way_for_one_execution()
    {
        var first = Run(["email"], DeduplicateMethod.Random);
        Assert.Equal(first["out"], Run(["email"], DeduplicateMethod.Random)["out"]);
        Assert.Equal(6, first["out"].Length);
        Assert.Contains(4L, first["out"]);
        Assert.Contains(7L, first["out"]);
        Assert.Single(first["out"], id => id is 1 or 3 or 8);
        Assert.Single(first["out"], id => id is 5 or 10);
        var executions = Enumerable.Range(1, 20).Select(e => string.Join(",", Run(["email"], DeduplicateMethod.Random, execution: $"e-{e}")["out"])).Distinct();
        Assert.True(executions.Count() > 1, "another execution draws another sample");
    }
}
