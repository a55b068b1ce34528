using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Tests.Activities;

public class LowestIdDeduplicationTests
{
    /// <summary>The ten profiles of <see cref="Population.Ten"/> streamed three at a time, as batches arrive.</summary>
    private static (long[] Kept, long[] Duplicates) Stream(string[] keys, int keep = 1)
    {
        var dedup = new LowestIdDeduplication(new DeduplicateActivity("dedup", keys, keep, DeduplicateMethod.Lowest, "id"), Population.Ten.Count);
        var (kept, duplicates) = (new List<long>(), new List<long>());
        for (var start = 0; start < Population.Ten.Count; start += 3)
        {
            var rows = Enumerable.Range(start, Math.Min(3, Population.Ten.Count - start)).ToList();
            var batch = new ProfileBatch(rows.Select(r => Population.Ten.Ids[r]).ToArray(),
                Population.Ten.Columns.Select(c => c with { Values = rows.Select(r => c.Values[r]).ToArray() }).ToList());
            var ports = dedup.Next(batch);
            kept.AddRange(ports.Kept);
            duplicates.AddRange(ports.Duplicates);
        }
        return (kept.ToArray(), duplicates.ToArray());
    }

    [Theory]
    [InlineData(new[] { "email" }, 1, new long[] { 3, 6, 8, 10 })]
    [InlineData(new[] { "email" }, 2, new long[] { 8 })]
    [InlineData(new[] { "email", "country" }, 1, new long[] { 8 })]
    [InlineData(new[] { "score" }, 1, new long[] { 5, 8 })]
    public void Keeps_the_first_profiles_of_each_key_across_batches_and_never_a_null_key(string[] keys, int keep, long[] duplicates)
    {
        var (kept, found) = Stream(keys, keep);
        Assert.Equal(duplicates, found);
        Assert.Equal(Population.Ten.Ids.Except(duplicates), kept);
    }

    [Fact]
    public void Applies_to_the_lowest_ids_only()
    {
        Assert.True(LowestIdDeduplication.Applies(new DeduplicateActivity("d", ["email"], 1, DeduplicateMethod.Lowest, "id")));
        Assert.False(LowestIdDeduplication.Applies(new DeduplicateActivity("d", ["email"], 1, DeduplicateMethod.Lowest, "score")));
        Assert.False(LowestIdDeduplication.Applies(new DeduplicateActivity("d", ["email"], 1, DeduplicateMethod.Random, "id")));
    }
}
