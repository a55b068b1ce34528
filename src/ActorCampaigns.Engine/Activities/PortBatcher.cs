namespace ActorCampaigns.Engine.Activities;

/// <summary>Collects ids per output port, in ascending order, and hands them out as batches of a fixed size.</summary>
public sealed class PortBatcher(int batchSize)
{
    private readonly Dictionary<string, List<long>> _pending = [];

    /// <summary>Adds an id to a port; returns a full batch when the port has one.</summary>
    public long[]? Add(string port, long id)
    {
        if (!_pending.TryGetValue(port, out var ids))
            _pending[port] = ids = new List<long>(batchSize);
        ids.Add(id);
        if (ids.Count < batchSize)
            return null;
        var batch = ids.ToArray();
        ids.Clear();
        return batch;
    }

    /// <summary>The partial batches left at the end, one per port that has ids.</summary>
    public IEnumerable<(string Port, long[] Ids)> Flush() =>
        _pending.Where(p => p.Value.Count > 0).Select(p => (p.Key, p.Value.ToArray())).ToList();
}
