using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// How an execution's profiles are split into partitions by id: partition <c>p</c> holds the ids from boundary
/// <c>p - 1</c> (included) to boundary <c>p</c> (excluded), the first from the lowest id, the last to the highest.
/// Decided once when the execution starts and journaled, so a rerun splits the same way.
/// </summary>
public sealed record ExecutionPartitions(IReadOnlyList<long> Boundaries)
{
    public int Count => Boundaries.Count + 1;

    public IdRange Ids(int partition) => new(partition == 0 ? long.MinValue : Boundaries[partition - 1],
        partition == Count - 1 ? long.MaxValue : Boundaries[partition]);

    /// <summary>The partition an id falls in.</summary>
    public int Of(long id)
    {
        var (low, high) = (0, Boundaries.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (id >= Boundaries[middle])
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    /// <summary>A batch's ids by partition, each part in the batch's order (which is id order).</summary>
    public IEnumerable<(int Partition, long[] Ids)> Split(long[] ids)
    {
        var start = 0;
        while (start < ids.Length)
        {
            var partition = Of(ids[start]);
            var end = start + 1;
            while (end < ids.Length && Of(ids[end]) == partition)
                end++;
            yield return (partition, start == 0 && end == ids.Length ? ids : ids[start..end]);
            start = end;
        }
    }
}

/// <summary>The partition an activity's run works on, as the owner of <paramref name="Epoch"/> (see <see cref="Activities.Channel.PartitionLease"/>).</summary>
public sealed record RunPartition(int Index, long Epoch)
{
    public BatchRange Batches => BatchRange.Of(Index);
}
