using System.Runtime.CompilerServices;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Activities;

/// <summary>One population arriving at a combine: the activity it comes from and its batches in id order.</summary>
public sealed record Inbound(string From, IAsyncEnumerable<long[]> Batches);

/// <summary>
/// CombineActivity by streaming merge: union keeps every profile; intersection keeps those in every inbound population
/// (complement: the union minus the intersection); exclusion keeps the primary's profiles found in no other
/// (complement: the primary's profiles that were excluded).
/// </summary>
public static class CombineOperation
{
    public const string Out = Transition.DefaultPort;
    public const string Complement = "complement";

    public static async IAsyncEnumerable<(string Port, long[] Ids)> RunAsync(CombineActivity combine, IReadOnlyList<Inbound> inbound,
        int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var all = inbound.Count == 64 ? ulong.MaxValue : (1UL << inbound.Count) - 1;
        var primary = inbound.Select((p, i) => p.From == combine.Primary ? 1UL << i : 0).Aggregate(0UL, (a, b) => a | b);
        var batcher = new PortBatcher(batchSize);
        await foreach (var tagged in SortedMerge.TagAsync(inbound.Select(p => p.Batches).ToList(), cancellationToken))
        {
            for (var i = 0; i < tagged.Count; i++)
            {
                if (Port(combine, tagged.Inputs[i], all, primary) is { } port && batcher.Add(port, tagged.Ids[i]) is { } full)
                    yield return (port, full);
            }
        }
        foreach (var rest in batcher.Flush())
            yield return rest;
    }

    /// <summary>The port an id leaves by, given the inputs that hold it; null when it leaves by none.</summary>
    private static string? Port(CombineActivity combine, ulong inputs, ulong all, ulong primary)
    {
        var port = combine.Mode switch
        {
            CombineMode.Union => Out,
            CombineMode.Intersection => inputs == all ? Out : Complement,
            _ => (inputs & primary) == 0 ? null : (inputs & ~primary) == 0 ? Out : Complement,
        };
        return port == Complement && !combine.Complement ? null : port;
    }
}
