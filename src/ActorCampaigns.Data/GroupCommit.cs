using System.Threading.Channels;

namespace ActorCampaigns.Data;

/// <summary>
/// Records events durably in batches (group commit): events that arrive while a batch is being written wait for the
/// next one, a transaction each. Many small requests thus cost a transaction per batch, not per event. After each
/// batch commits, <c>committed</c> hears of its events.
/// </summary>
/// <remarks>
/// Two ways in: <see cref="RecordAsync"/> returns once the events are committed and fails if their batch fails (for
/// callers who retry until they get a success); <see cref="EnqueueAsync"/> returns once the events are queued (for
/// tracking hits: a mail client neither waits for nor retries on the answer, so waiting for the commit would only
/// delay it). Queued events are never dropped: a batch that fails is written again, after a pause that grows to 30 s,
/// while the queue, bounded, holds back new events; only a node shutting down gives up on a failed batch.
/// </remarks>
public class GroupCommit<T> : IAsyncDisposable
{
    private const int MaxBatch = 10_000;

    private readonly Func<IReadOnlyList<T>, Task> _append;
    private readonly Action<IReadOnlyList<T>> _committed;
    private readonly Action<Exception> _failed;
    private readonly Channel<(IReadOnlyList<T> Events, TaskCompletionSource? Committed)> _queue =
        Channel.CreateBounded<(IReadOnlyList<T>, TaskCompletionSource?)>(new BoundedChannelOptions(MaxBatch) { SingleReader = true });
    private readonly Task _writing;
    private volatile bool _closing;
    private long _queued;

    /// <param name="append">Writes a batch in one transaction.</param>
    /// <param name="failed">Told each time a batch fails to be written (the node logs it).</param>
    public GroupCommit(Func<IReadOnlyList<T>, Task> append, Action<IReadOnlyList<T>>? committed = null, Action<Exception>? failed = null)
    {
        _append = append;
        _committed = committed ?? (_ => { });
        _failed = failed ?? (_ => { });
        _writing = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Completes when <paramref name="events"/> are committed; fails when their batch could not be. What the caller
    /// does next runs on the writer's thread as the batch commits, before the next batch: callers only answer their
    /// request, and saving a thread hop per event was measured at +10-20 % events/s on two cores.
    /// </summary>
    public async Task RecordAsync(IReadOnlyList<T> events, CancellationToken cancellationToken = default)
    {
        var committed = new TaskCompletionSource();
        await QueueAsync((events, committed), cancellationToken);
        await committed.Task;
    }

    /// <summary>Queues <paramref name="events"/> for the next batch; waits only while the queue is full.</summary>
    public ValueTask EnqueueAsync(IReadOnlyList<T> events, CancellationToken cancellationToken = default) => QueueAsync((events, null), cancellationToken);

    /// <summary>Counted before the writer can take them, so the depth never goes below what is queued.</summary>
    private async ValueTask QueueAsync((IReadOnlyList<T> Events, TaskCompletionSource? Committed) item, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _queued, item.Events.Count);
        try
        {
            if (!_queue.Writer.TryWrite(item))
                await _queue.Writer.WriteAsync(item, cancellationToken);
        }
        catch
        {
            Interlocked.Add(ref _queued, -item.Events.Count);
            throw;
        }
    }

    /// <summary>Events taken and not yet written (or given up on): what the node's metrics call the queue's depth.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    private async Task WriteAsync()
    {
        var batch = new List<(IReadOnlyList<T> Events, TaskCompletionSource? Committed)>();
        var pause = TimeSpan.Zero;
        while (batch.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            var count = batch.Sum(b => b.Events.Count);
            while (count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                count += item.Events.Count;
            }
            var events = batch.SelectMany(b => b.Events).ToList();
            try
            {
                await _append(events);
            }
            catch (Exception e)
            {
                _failed(e);
                // Those waiting hear of it (their senders retry); queued events are written again after a pause.
                batch.ForEach(b => b.Committed?.TrySetException(e));
                var closing = _closing;
                Interlocked.Add(ref _queued, -batch.Where(b => b.Committed is not null || closing).Sum(b => b.Events.Count));
                batch.RemoveAll(b => b.Committed is not null || closing);
                pause = TimeSpan.FromMilliseconds(Math.Clamp(pause.TotalMilliseconds * 2, 100, 30_000));
                await Task.Delay(pause);
                continue;
            }
            pause = TimeSpan.Zero;
            Interlocked.Add(ref _queued, -events.Count);
            batch.ForEach(b => b.Committed?.SetResult());
            batch.Clear();
            _committed(events);
        }
    }

    /// <summary>Takes no more events and waits for those queued to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _queue.Writer.TryComplete();
        await _writing;
    }
}
