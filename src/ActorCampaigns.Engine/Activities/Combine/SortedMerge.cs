using System.Runtime.CompilerServices;

namespace ActorCampaigns.Engine.Activities.Combine;

/// <summary>
/// Merges populations that each arrive as batches of ascending ids, yielding every distinct id once with the set of
/// inputs that hold it (bit i for input i). Memory is one batch per input, whatever the population sizes.
/// </summary>
public static class SortedMerge
{
    public const int MaxInputs = 64;

    public static async IAsyncEnumerable<(long Id, ulong Inputs)> TagAsync(
        IReadOnlyList<IAsyncEnumerable<long[]>> inputs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (inputs.Count > MaxInputs)
            throw new ArgumentException($"at most {MaxInputs} populations can be combined", nameof(inputs));
        var cursors = inputs.Select(i => new Cursor(i.GetAsyncEnumerator(cancellationToken))).ToArray();
        try
        {
            foreach (var cursor in cursors)
                await cursor.MoveNextAsync();
            while (true)
            {
                var smallest = long.MaxValue;
                var any = false;
                foreach (var cursor in cursors.Where(c => !c.Done))
                {
                    any = true;
                    smallest = Math.Min(smallest, cursor.Current);
                }
                if (!any)
                    yield break;
                ulong mask = 0;
                for (var i = 0; i < cursors.Length; i++)
                {
                    if (cursors[i].Done || cursors[i].Current != smallest)
                        continue;
                    mask |= 1UL << i;
                    await cursors[i].MoveNextAsync();
                }
                yield return (smallest, mask);
            }
        }
        finally
        {
            foreach (var cursor in cursors)
                await cursor.DisposeAsync();
        }
    }

    /// <summary>Walks one input id by id; checks that ids ascend, since every population is kept in id order.</summary>
    private sealed class Cursor(IAsyncEnumerator<long[]> batches) : IAsyncDisposable
    {
        private long[] _batch = [];
        private int _index;
        private long? _previous;

        public bool Done { get; private set; }

        public long Current => _batch[_index];

        public async ValueTask MoveNextAsync()
        {
            _index++;
            while (_index >= _batch.Length)
            {
                if (!await batches.MoveNextAsync())
                {
                    Done = true;
                    return;
                }
                (_batch, _index) = (batches.Current, 0);
            }
            if (_previous >= Current)
                throw new InvalidOperationException($"population ids must ascend: {Current} after {_previous}");
            _previous = Current;
        }

        public ValueTask DisposeAsync() => batches.DisposeAsync();
    }
}
