using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Tests.Activities;

public class CombineOperationTests
{
    private static async IAsyncEnumerable<long[]> Batches(params long[][] batches)
    {
        foreach (var batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    private static List<Inbound> Abc() =>
    [
        new("a", Batches([1, 2], [3, 5, 8])),
        new("b", Batches([2, 3, 4], [], [8, 9])),
        new("c", Batches([3, 8, 10])),
    ];

    private static async Task<Dictionary<string, List<long[]>>> Run(CombineMode mode, string? primary = null, int batchSize = 100)
    {
        var ports = new Dictionary<string, List<long[]>>();
        await foreach (var (port, ids) in CombineOperation.RunAsync(new CombineActivity("all", mode, primary, true), Abc(), batchSize, TestContext.Current.CancellationToken))
            (ports.TryGetValue(port, out var list) ? list : ports[port] = []).Add(ids);
        return ports;
    }

    [Theory]
    [InlineData(CombineMode.Union, null, new long[] { 1, 2, 3, 4, 5, 8, 9, 10 }, new long[] { })]
    [InlineData(CombineMode.Intersection, null, new long[] { 3, 8 }, new long[] { 1, 2, 4, 5, 9, 10 })]
    [InlineData(CombineMode.Exclusion, "a", new long[] { 1, 5 }, new long[] { 2, 3, 8 })]
    [InlineData(CombineMode.Exclusion, "c", new long[] { 10 }, new long[] { 3, 8 })]
    public async Task Merges_sorted_populations(CombineMode mode, string? primary, long[] kept, long[] complement)
    {
        var ports = await Run(mode, primary);
        Assert.Equal(kept, ports.GetValueOrDefault("out", []).SelectMany(b => b));
        Assert.Equal(complement, ports.GetValueOrDefault("complement", []).SelectMany(b => b));
    }

    [Theory]
    [InlineData(CombineMode.Union)]
    [InlineData(CombineMode.Intersection)]
    [InlineData(CombineMode.Exclusion)]
    public async Task Large_populations_in_batches_of_every_size_combine_as_sets_do(CombineMode mode)
    {
        var random = new Random(7);
        var sets = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 60_000).Where(_ => random.Next(3) == 0).Select(i => (long)i).ToArray()).ToArray();
        IEnumerable<long[]> Chunks(long[] ids)
        {
            for (var start = 0; start < ids.Length;)
            {
                var size = random.Next(0, 5_000);
                yield return ids[start..Math.Min(ids.Length, start + size)];
                start += size;
            }
        }
        var inbound = sets.Select((ids, i) => new Inbound($"p{i}", Batches(Chunks(ids).ToArray()))).ToList();
        var ports = new Dictionary<string, List<long>>();
        await foreach (var (port, ids) in CombineOperation.RunAsync(new CombineActivity("all", mode, "p0", true), inbound, 1_000, TestContext.Current.CancellationToken))
            (ports.TryGetValue(port, out var list) ? list : ports[port] = []).AddRange(ids);

        var union = sets.SelectMany(s => s).ToHashSet();
        var both = sets.Skip(1).Aggregate(sets[0].ToHashSet(), (a, s) => { a.IntersectWith(s); return a; });
        var others = sets[1].Concat(sets[2]).ToHashSet();
        var (kept, complement) = mode switch
        {
            CombineMode.Union => (union, new HashSet<long>()),
            CombineMode.Intersection => (both, union.Except(both).ToHashSet()),
            _ => (sets[0].Where(id => !others.Contains(id)).ToHashSet(), sets[0].Where(others.Contains).ToHashSet()),
        };
        Assert.Equal(kept.Order(), ports.GetValueOrDefault("out") ?? []);
        Assert.Equal(complement.Order(), ports.GetValueOrDefault("complement") ?? []);
    }

    [Fact]
    public async Task Output_comes_in_batches_of_the_given_size()
    {
        var ports = await Run(CombineMode.Union, batchSize: 3);
        Assert.Equal([3, 3, 2], ports["out"].Select(b => b.Length));
    }

    [Fact]
    public async Task A_population_out_of_id_order_is_refused()
    {
        var inbound = new List<Inbound> { new("a", Batches([1, 5], [4])), new("b", Batches([2])) };
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in CombineOperation.RunAsync(new CombineActivity("all", CombineMode.Union, null, false), inbound, 10, TestContext.Current.CancellationToken))
            {
            }
        });
    }
}
