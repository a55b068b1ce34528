using System.Diagnostics;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Data;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;

namespace ActorCampaigns.Node.Retention;

/// <summary>
/// One kind of data retention removes: which executions hold some (<see cref="Executions"/>), and how one statement
/// removes at most a given number of an execution's rows and says how many it removed (<see cref="DeleteBatch"/>).
/// <paramref name="ProfilesPerRow"/>: how many profiles one row may hold (a worktable row is a whole batch of ids), so
/// that a statement removes about the configured number of profiles' data, whatever the part.
/// </summary>
public sealed record RetentionPart(string Name, TimeSpan Keep,
    Func<CancellationToken, Task<IReadOnlyList<(string Campaign, string Execution)>>> Executions,
    Func<string, string, int, CancellationToken, Task<int>> DeleteBatch, int ProfilesPerRow = 1);

/// <summary>What one run removed of a part: rows (events folded, for feedback), of how many executions, in how many statements.</summary>
public sealed record RetentionCount(string Part, long Rows, int Executions, int Statements)
{
    public override string ToString() => $"{Part} {Rows} of {Executions} executions in {Statements} statements";
}

/// <summary>
/// Removes what executions that ended long enough ago no longer need. Whether an execution has ended, and when, is its
/// campaign's to say (its state, from the journal), so the cleaner asks each campaign holding such rows; the rows
/// themselves never decide. It deletes a batch per statement and waits as long as the statement took before the next,
/// so it holds the database's writer at most half the time and a campaign's write waits for one short statement at
/// most. On a cluster one node cleans at a time: the one holding a PostgreSQL advisory lock, which the server
/// releases if that node dies (correctness does not rest on it: each batch removes its rows in one statement, and a
/// feedback fold counts exactly the rows it deleted).
/// </summary>
public sealed class RetentionCleaner(Database database, IReadOnlyList<RetentionPart> parts, int batchSize, TimeProvider clock,
    Func<string, CancellationToken, Task<CampaignState>> stateOf)
{
    /// <summary>Key of the advisory lock the cleaning node holds.</summary>
    public const long CleaningLock = 0x4163_5265_7465;

    /// <summary>The shortest pause between two statements.</summary>
    private static readonly TimeSpan LeastPause = TimeSpan.FromMilliseconds(10);

    /// <summary>The parts the settings keep for a while only, on this node's stores (the outbox table only on PostgreSQL).</summary>
    public static IReadOnlyList<RetentionPart> Parts(RetentionOptions options, EngineServices services, Database database)
    {
        var parts = new List<RetentionPart>();
        if (RetentionOptions.Enabled(options.Worktables) is { } worktables)
        {
            parts.Add(new("worktables", worktables, services.Worktables.ExecutionsAsync, services.Worktables.DeleteExecutionAsync, services.BatchSize));
            // The fences of its partitions go with its populations: nothing of an ended execution runs again.
            parts.Add(new("partition epochs", worktables, services.Ledger.EpochExecutionsAsync, services.Ledger.DeleteEpochsAsync));
            parts.Add(new("sending starts", worktables, services.Ledger.StartExecutionsAsync, services.Ledger.DeleteStartsAsync));
            // What loads and incremental queries kept for their execution's reruns (not what a query remembers for the next).
            parts.Add(new("loaded files", worktables, services.Loaded.ExecutionsAsync, services.Loaded.DeleteExecutionAsync));
            parts.Add(new("reconciliations", worktables, services.Reconciliations.ExecutionsAsync, services.Reconciliations.DeleteExecutionAsync));
            parts.Add(new("dimension changes", worktables, services.Changes.ExecutionsAsync, services.Changes.DeleteExecutionAsync));
            parts.Add(new("incremental ranges", worktables, services.Incremental.ExecutionsAsync, services.Incremental.DeleteExecutionAsync));
        }
        if (RetentionOptions.Enabled(options.Outbox) is { } outbox && database is PostgresDatabase postgres)
            parts.Add(new("outbox", outbox, cancel => OutboxTable.ExecutionsAsync(postgres, cancel),
                (campaign, execution, limit, cancel) => OutboxTable.DeleteExecutionAsync(postgres, campaign, execution, limit, cancel)));
        if (RetentionOptions.Enabled(options.Feedback) is { } feedback)
            parts.Add(new("feedback", feedback, services.Feedback.Totals.ExecutionsAsync, services.Feedback.Totals.FoldAsync));
        return parts;
    }

    /// <summary>One run: what it removed per part, or null when another node holds the lock (and cleans).</summary>
    public async Task<IReadOnlyList<RetentionCount>?> RunAsync(CancellationToken cancellationToken)
    {
        await using var cleaning = await database.TryLockAsync(CleaningLock, cancellationToken);
        if (cleaning is null)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var states = new Dictionary<string, CampaignState?>();
        var counts = new List<RetentionCount>();
        foreach (var part in parts)
        {
            var (rows, executions, statements) = (0L, 0, 0);
            var perStatement = Math.Max(1, batchSize / part.ProfilesPerRow);
            foreach (var (campaign, execution) in await part.Executions(cancellationToken))
            {
                if (!states.TryGetValue(campaign, out var state))
                    states[campaign] = state = await StateAsync(campaign, cancellationToken);
                if (state?.Execution(new ExecutionId(execution)) is not { State: ExecutionState.Completed or ExecutionState.Stopped, FinishedAt: { } ended }
                    || ended > now - part.Keep)
                    continue;
                executions++;
                int removed;
                do
                {
                    var started = Stopwatch.GetTimestamp();
                    removed = await part.DeleteBatch(campaign, execution, perStatement, cancellationToken);
                    (rows, statements) = (rows + removed, statements + 1);
                    // Real time, whatever the node's clock says: the pause is the database's.
                    var took = Stopwatch.GetElapsedTime(started);
                    await Task.Delay(took > LeastPause ? took : LeastPause, cancellationToken);
                }
                while (removed >= perStatement);
            }
            counts.Add(new RetentionCount(part.Name, rows, executions, statements));
        }
        return counts;
    }

    /// <summary>A campaign's state, or null when it does not answer in time (restarting, moving): its executions wait for the next run.</summary>
    private async Task<CampaignState?> StateAsync(string campaign, CancellationToken cancellationToken)
    {
        try
        {
            return await stateOf(campaign, cancellationToken);
        }
        catch (Akka.Actor.AskTimeoutException)
        {
            return null;
        }
    }
}
