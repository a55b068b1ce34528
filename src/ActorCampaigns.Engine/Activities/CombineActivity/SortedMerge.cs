using System.Runtime.CompilerServices;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Ids in ascending order, each with the set of inputs that hold it (bit i for input i); the first <see cref="Count"/> entries are filled.</summary>
public sealed record TaggedIds(long[] Ids, ulong[] Inputs, int Count);

/// <summary>
/// Merges populations that each arrive as batches of ascending ids, giving every distinct id once with the set of
/// inputs that hold it. Memory is one batch per input plus one chunk of output, whatever the population sizes. The
/// merge runs through arrays and waits only when an input needs its next batch (a step per id through async
/// enumerators cost a third of a microsecond per id).
/// </summary>
public static class SortedMerge
{
    public const int MaxInputs = 64;
    private const int Chunk = 8_192;

    public static async IAsyncEnumerable<TaggedIds> TagAsync(
        IReadOnlyList<IAsyncEnumerable<long[]>> inputs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (inputs.Count > MaxInputs)
            throw new ArgumentException($"at most {MaxInputs} populations can be combined", nameof(inputs));
        var cursors = inputs.Select(i => new Cursor(i.GetAsyncEnumerator(cancellationToken))).ToArray();
        try
        {
            var (ids, tags, count) = (new long[Chunk], new ulong[Chunk], 0);
            while (true)
            {
                foreach (var cursor in cursors)
                    await cursor.FillAsync();
                if (cursors.All(c => c.Done))
                    break;
                // Merge until an input runs out of its batch (it must fetch the next before its ids can be compared).
                while (count < Chunk && Array.TrueForAll(cursors, c => c.Done || !c.Exhausted))
                {
                    var smallest = long.MaxValue;
                    foreach (var cursor in cursors)
                    {
                        if (!cursor.Done && cursor.Current < smallest)
                            smallest = cursor.Current;
                    }
                    ulong mask = 0;
                    for (var i = 0; i < cursors.Length; i++)
                    {
                        if (cursors[i].Done || cursors[i].Current != smallest)
                            continue;
                        mask |= 1UL << i;
                        cursors[i].Advance();
                    }
                    (ids[count], tags[count]) = (smallest, mask);
                    count++;
                }
                if (count == Chunk)
                {
                    yield return new TaggedIds(ids, tags, count);
                    (ids, tags, count) = (new long[Chunk], new ulong[Chunk], 0);
                }
            }
            if (count > 0)
                yield return new TaggedIds(ids, tags, count);
        }
        finally
        {
            foreach (var cursor in cursors)
                await cursor.DisposeAsync();
        }
    }

    /// <summary>Walks one input; checks that ids ascend, since every population is kept in id order.</summary>
    private sealed class Cursor(IAsyncEnumerator<long[]> batches) : IAsyncDisposable
    {
        private long[] _batch = [];
        private int _index;
        private long _previous = long.MinValue;
        private bool _started;

        public bool Done { get; private set; }

        /// <summary>Its batch is used up: <see cref="FillAsync"/> fetches the next.</summary>
        public bool Exhausted => _index >= _batch.Length;

        public long Current => _batch[_index];

        public void Advance()
        {
            _previous = Current;
            _index++;
            if (!Exhausted)
                CheckAscending();
        }

        public async ValueTask FillAsync()
        {
            while (!Done && Exhausted)
            {
                if (!await batches.MoveNextAsync())
                {
                    Done = true;
                    return;
                }
                (_batch, _index) = (batches.Current, 0);
                if (!Exhausted)
                    CheckAscending();
            }
        }

        private void CheckAscending()
        {
            if (_started && Current <= _previous)
                throw new InvalidOperationException($"population ids must ascend: {Current} after {_previous}");
            _started = true;
        }

        public ValueTask DisposeAsync() => batches.DisposeAsync();
    }
}
