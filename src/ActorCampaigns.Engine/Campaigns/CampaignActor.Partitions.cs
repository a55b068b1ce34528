using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Partitions;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using System.Collections.Immutable;
using static ActorCampaigns.Engine.Partitions.PartitionMessages;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// The campaign as the coordinator of its partitioned executions: it decides an execution's partitions before anything
/// runs, assigns each partition of an activity that runs per partition to the partition region under a new epoch (the
/// ledger's fence), watches the entity that runs it and assigns it again if that entity dies with its member, sums
/// the partitions' cumulative counts for status, and completes the activity once every partition has.
/// </summary>
public sealed partial class CampaignActor
{
    /// <summary>One partition of an activity's run, as the coordinator follows it.</summary>
    private sealed class PartitionRun(int index)
    {
        public int Index { get; } = index;
        public long Epoch { get; set; }
        public string? Node { get; set; }
        public IActorRef? Entity { get; set; }
        public ActivityState State { get; set; } = ActivityState.Pending;
        public ActivityCounts Counts { get; set; } = ActivityCounts.None;

        /// <summary>When its current epoch was sent to the region: an assignment unanswered for long is sent again.</summary>
        public DateTime AssignedAt { get; set; }
    }

    /// <summary>An assignment unanswered this long is sent again (the member it went to may have died with it).</summary>
    private static readonly TimeSpan AssignAgainAfter = TimeSpan.FromSeconds(5);

    /// <summary>How often running partitions are told again which inbound activities completed (a message to another member may be lost).</summary>
    private static readonly TimeSpan RemindEvery = TimeSpan.FromSeconds(5);

    private DateTime _reminded;

    private sealed record BoundariesDecided(ExecutionId Execution, IReadOnlyList<long> Boundaries);

    private sealed record BoundariesFailed(ExecutionId Execution, Exception Cause);

    private sealed record EpochAdvanced(ExecutionId Execution, string Activity, int Partition, long Epoch);

    private sealed record EpochFailed(ExecutionId Execution, string Activity, int Partition, Exception Cause);

    private sealed record DecisionReached(ExecutionId Execution, string Activity, string Decision);

    private sealed record DecisionFailed(ExecutionId Execution, string Activity, Exception Cause);

    /// <summary>
    /// Activities whose decision over the whole population is being taken, each with what cancels it (a stop, a pause):
    /// their partitions start once it is journaled.
    /// </summary>
    private readonly Dictionary<(ExecutionId Execution, string Activity), CancellationTokenSource> _deciding = [];

    private readonly Dictionary<(ExecutionId Execution, string Activity), PartitionRun[]> _partitionRuns = [];

    /// <summary>Executions whose partitions are being decided: nothing of them starts meanwhile.</summary>
    private readonly HashSet<ExecutionId> _partitioning = [];

    /// <summary>The partition region; a node that cannot split executions runs none (see <see cref="CampaignEngineHosting.AddCampaignEngine"/>).</summary>
    private IActorRef Partitions => ActorRegistry.For(Context.System).TryGet<PartitionRegion>(out var region) ? region
        : throw new InvalidOperationException("this node runs no partition region: it is no member of a cluster and Engine:Partitions is not above 1, " +
            "so it cannot run a partitioned execution; run it on the cluster that started it");

    private void ReceivePartitionMessages()
    {
        Command<BoundariesDecided>(decided =>
        {
            _partitioning.Remove(decided.Execution);
            Handle(new CampaignCommands.PartitionExecution(_state.Id, decided.Execution, decided.Boundaries), ActorRefs.Nobody);
        });
        Command<BoundariesFailed>(failed =>
        {
            _partitioning.Remove(failed.Execution);
            _log.Warning(failed.Cause, "deciding the partitions of {0} {1} failed; tried again at the next tick", PersistenceId, failed.Execution);
        });
        Command<EpochAdvanced>(advanced =>
        {
            // A later epoch only (two advances may cross), and not while the execution is held: resume assigns it again.
            if (RunOf(advanced.Execution, advanced.Activity, advanced.Partition) is not { State: not ActivityState.Completed } run
                || advanced.Epoch <= run.Epoch || _state.Execution(advanced.Execution) is not { State: ExecutionState.Running })
            {
                EndIfNothingRuns(advanced.Execution, advanced.Activity);
                return;
            }
            (run.Epoch, run.State, run.Entity, run.Node, run.Counts) = (advanced.Epoch, ActivityState.Running, null, null, ActivityCounts.None);
            run.AssignedAt = Now;
            SendAssignment(advanced.Execution, advanced.Activity, run);
        });
        Command<EpochFailed>(failed =>
        {
            if (RunOf(failed.Execution, failed.Activity, failed.Partition) is not null)
                Handle(new CampaignCommands.FailActivity(_state.Id, failed.Execution, failed.Activity,
                    $"partition {failed.Partition} could not be assigned: {failed.Cause.Message}"), ActorRefs.Nobody);
        });
        Command<DecisionReached>(reached =>
        {
            StopDeciding(reached.Execution, reached.Activity);
            Handle(new CampaignCommands.DecideActivity(_state.Id, reached.Execution, reached.Activity, reached.Decision), ActorRefs.Nobody);
        });
        Command<DecisionFailed>(failed =>
        {
            var cancelled = StopDeciding(failed.Execution, failed.Activity);
            if (cancelled)
            {
                // Paused or stopped meanwhile: a resume decides again.
                Ended(failed.Execution, failed.Activity);
                Advance();
                return;
            }
            Handle(new CampaignCommands.FailActivity(_state.Id, failed.Execution, failed.Activity,
                $"deciding over the whole population failed: {failed.Cause.Message}"), ActorRefs.Nobody);
        });
        Command<Report>(OnReport);
    }

    /// <summary>
    /// How many partitions a new execution gets: the setting, or two per member hosting campaigns when there are
    /// several (one member: none, the execution runs whole); none on a node that runs no partition region.
    /// </summary>
    private int WantedPartitions()
    {
        if (!ActorRegistry.For(Context.System).TryGet<PartitionRegion>(out _))
            return 1;
        if (_options.Partitions > 0)
            return _options.Partitions;
        var members = Cluster.Get(Context.System).State.Members
            .Count(m => m.Status == MemberStatus.Up && (_options.Role is null || m.HasRole(_options.Role)));
        return members > 1 ? 2 * members : 1;
    }

    /// <summary>
    /// Executions started split (their partition count journaled with their start) whose boundaries are not decided
    /// yet: they are decided (once at a time), and nothing of the execution starts until they are journaled.
    /// </summary>
    private IEnumerable<ExecutionId> AwaitingPartitions()
    {
        var waiting = new List<ExecutionId>();
        foreach (var execution in _state.Executions.Where(e => e.IsActive && e.PartitionCount > 1 && e.Partitions is null))
        {
            waiting.Add(execution.Id);
            if (_partitioning.Add(execution.Id))
            {
                var id = execution.Id;
                _services.Profiles.PartitionBoundariesAsync(execution.PartitionCount).PipeTo(Self,
                    success: boundaries => new BoundariesDecided(id, boundaries), failure: e => new BoundariesFailed(id, e));
            }
        }
        return waiting;
    }

    /// <summary>
    /// Starts the partitions of an activity not completed yet; true when the activity runs per partition in this
    /// execution. One that decides over the whole population first (a split with limits) has its decision taken here,
    /// at the campaign, and journaled before any partition starts (<see cref="Decided"/> starts them).
    /// </summary>
    private bool StartPartitioned(ExecutionView execution, Activity activity)
    {
        if (execution.Partitions is not { } boundaries || !_plan!.RunsPerPartition(activity))
            return false;
        if (ActivityStages.Of(activity).DecidesFirst(activity) && execution.Activities[activity.Id].Decision is null)
        {
            Decide(execution, activity, boundaries);
            return true;
        }
        var completed = execution.Activities[activity.Id].Partitions ?? ImmutableSortedDictionary<int, PartitionView>.Empty;
        var runs = Enumerable.Range(0, boundaries.Count + 1).Select(p => new PartitionRun(p)).ToArray();
        foreach (var run in runs)
        {
            if (completed.GetValueOrDefault(run.Index) is { State: ActivityState.Completed } done)
                (run.State, run.Counts, run.Node) = (ActivityState.Completed, done.Counts, done.Node);
        }
        _partitionRuns[(execution.Id, activity.Id)] = runs;
        foreach (var run in runs.Where(r => r.State != ActivityState.Completed))
            AssignPartition(execution.Id, activity.Id, run.Index);
        if (runs.All(r => r.State == ActivityState.Completed))
            Handle(new CampaignCommands.CompleteActivity(_state.Id, execution.Id, activity.Id, ActivityCounts.Sum(runs.Select(r => r.Counts))), ActorRefs.Nobody);
        return true;
    }

    /// <summary>The activity's decision over the whole population, read at the campaign (the partitions' inbound batches, all of them).</summary>
    private void Decide(ExecutionView execution, Activity activity, IReadOnlyList<long> boundaries)
    {
        if (_deciding.ContainsKey((execution.Id, activity.Id)))
            return;
        var cancel = _deciding[(execution.Id, activity.Id)] = new CancellationTokenSource();
        Live(execution.Id, activity.Id, new ActivityView(ActivityState.Running, ActivityCounts.None));
        var run = ActivityRun.Of(_state.Id, _plan!, execution.Id, execution.Mode, activity, execution.Variables, execution.StartedAt,
            InboundCompletedAt(execution, activity, _plan!), execution.Done,
            new ExecutionPartitions(boundaries));
        var (id, activityId) = (execution.Id, activity.Id);
        ActivityStages.Of(activity).DecideAsync(new ActivityRunner(_services), run, cancel.Token).PipeTo(Self,
            success: decision => new DecisionReached(id, activityId, decision), failure: e => new DecisionFailed(id, activityId, e));
    }

    /// <summary>The decision of the activity is no longer being taken; true when it had been cancelled.</summary>
    private bool StopDeciding(ExecutionId execution, string activity)
    {
        if (!_deciding.Remove((execution, activity), out var cancel))
            return false;
        var cancelled = cancel.IsCancellationRequested;
        cancel.Dispose();
        return cancelled;
    }

    /// <summary>Cancels the decisions being taken for the executions matching <paramref name="of"/> (stopped, paused, failed).</summary>
    private void CancelDecisions(Func<ExecutionId, bool> of)
    {
        foreach (var ((execution, _), cancel) in _deciding.Where(d => of(d.Key.Execution)))
            cancel.Cancel();
    }

    /// <summary>A decision is journaled: the activity's partitions start, unless it no longer runs (stopped, held, ended meanwhile).</summary>
    private void Decided(CampaignEvents.ActivityDecided decided)
    {
        if (_running.GetValueOrDefault(decided.Execution)?.Contains(decided.Activity) != true || _partitionRuns.ContainsKey((decided.Execution, decided.Activity))
            || _state.Execution(decided.Execution) is not { State: ExecutionState.Running } execution)
        {
            if (_state.Execution(decided.Execution) is { State: not ExecutionState.Running })
                Ended(decided.Execution, decided.Activity);
            return;
        }
        StartPartitioned(execution, _state.Document!.Activities.First(a => a.Id == decided.Activity));
    }

    /// <summary>
    /// A new epoch for the partition in the ledger (fencing off any earlier owner), then the assignment. What a downed
    /// owner held locked in the database is released by <see cref="Hosting.DownedMembers"/>.
    /// </summary>
    private void AssignPartition(ExecutionId execution, string activity, int partition)
    {
        _services.Ledger.AdvanceEpochAsync(_state.Id.Value, execution.Value, activity, partition).PipeTo(Self,
            success: epoch => new EpochAdvanced(execution, activity, partition, epoch), failure: e => new EpochFailed(execution, activity, partition, e));
    }

    private void SendAssignment(ExecutionId id, string activityId, PartitionRun run)
    {
        if (_state.Execution(id) is not { Partitions: { } boundaries } execution)
            return;
        var activity = _state.Document!.Activities.First(a => a.Id == activityId);
        Partitions.Tell(new Assign(_state.Id, _state.Document, execution.Id, execution.Mode, activity.Id, execution.Variables, execution.StartedAt,
            InboundCompletedAt(execution, activity, _plan!), execution.Done.ToList(), boundaries,
            run.Index, run.Epoch, Self, execution.Activities[activity.Id].Decision, execution.Activities[activity.Id].FirstWave is not null, execution.Trace));
    }

    /// <summary>
    /// At each tick: assignments no entity answered are sent again (same epoch: an entity running it answers again), and
    /// running partitions hear again, every few seconds, which activities of their execution are done.
    /// </summary>
    private void RemindPartitions()
    {
        var now = Now;
        foreach (var ((execution, activity), runs) in _partitionRuns)
        {
            foreach (var run in runs.Where(r => r is { State: ActivityState.Running, Entity: null } && now - r.AssignedAt >= AssignAgainAfter))
            {
                run.AssignedAt = now;
                SendAssignment(execution, activity, run);
            }
        }
        if (now - _reminded < RemindEvery)
            return;
        _reminded = now;
        foreach (var (execution, activity, run) in RunningPartitions(_ => true))
        {
            foreach (var done in _state.Execution(execution)?.Done ?? [])
                Partitions.Tell(new PartitionMessages.InboundCompleted(EntityId(_state.Id, execution, activity, run.Index), done));
        }
    }

    /// <summary>
    /// In a held execution (paused, failed), once none of an activity's partitions runs any more (each held, finished or
    /// failed, in whatever order their reports came), the activity no longer runs: resume starts what is left of it.
    /// </summary>
    private void EndIfNothingRuns(ExecutionId execution, string activity)
    {
        if (!_partitionRuns.TryGetValue((execution, activity), out var runs) || runs.Any(r => r.State == ActivityState.Running)
            || _state.Execution(execution) is { State: ExecutionState.Running })
            return;
        var counts = ActivityCounts.Sum(runs.Select(r => r.Counts));
        Ended(execution, activity);
        Live(execution, activity, new ActivityView(ActivityState.Pending, counts));
        Advance();
    }

    private PartitionRun? RunOf(ExecutionId execution, string activity, int partition) =>
        _partitionRuns.TryGetValue((execution, activity), out var runs) && partition >= 0 && partition < runs.Length ? runs[partition] : null;

    private void OnReport(Report report)
    {
        if (RunOf(report.Execution, report.Activity, report.Partition) is not { } run || run.Epoch != report.Epoch || run.State == ActivityState.Completed)
            return;
        run.Node = report.Node;
        switch (report.Kind)
        {
            case ReportKind.Started:
                run.Entity = Sender;
                Context.Watch(Sender);
                // Assigned while the execution ran, started once it was held: it holds too.
                if (_state.Execution(report.Execution) is { State: ExecutionState.Paused or ExecutionState.Failed })
                    Sender.Tell(new PartitionMessages.Hold(EntityId(_state.Id, report.Execution, report.Activity, report.Partition)));
                break;
            case ReportKind.Progress:
                run.Counts = report.Counts;
                break;
            case ReportKind.Finished:
                (run.State, run.Counts) = (ActivityState.Completed, report.Counts);
                Handle(new CampaignCommands.CompletePartition(_state.Id, report.Execution, report.Activity, report.Partition, report.Counts, report.Node),
                    ActorRefs.Nobody);
                break;
            case ReportKind.Held:
                (run.State, run.Counts, run.Entity) = (ActivityState.Pending, report.Counts, null);
                break;
            case ReportKind.Failed:
                run.State = ActivityState.Failed;
                _log.Warning("partition {0} of activity {1} of {2} {3} failed on {4}: {5}", report.Partition, report.Activity, PersistenceId, report.Execution,
                    report.Node, report.Reason);
                if (_state.Execution(report.Execution) is { State: ExecutionState.Running })
                {
                    Handle(new CampaignCommands.FailActivity(_state.Id, report.Execution, report.Activity,
                        $"partition {report.Partition} on {report.Node}: {report.Reason}"), ActorRefs.Nobody);
                    return;
                }
                // Held already (paused, or another activity failed): resume runs it again.
                (run.State, run.Entity) = (ActivityState.Pending, null);
                break;
        }
        if (_partitionRuns.ContainsKey((report.Execution, report.Activity)))
            LivePartitions(report.Execution, report.Activity);
        EndIfNothingRuns(report.Execution, report.Activity);
    }

    /// <summary>A partition entity died (its member left, crashed or was downed) before its run ended: the partition goes to another, under a new epoch.</summary>
    private bool PartitionEntityTerminated(IActorRef entity)
    {
        foreach (var ((execution, activity), runs) in _partitionRuns)
        {
            if (runs.FirstOrDefault(r => entity.Equals(r.Entity)) is not { } run)
                continue;
            run.Entity = null;
            if (run.State != ActivityState.Running)
                return true;
            _log.Warning("partition {0} of activity {1} of {2} {3} was lost with {4}; assigning it again", run.Index, activity, PersistenceId, execution, run.Node);
            run.State = ActivityState.Pending;
            if (_state.Execution(execution) is { State: ExecutionState.Running })
                AssignPartition(execution, activity, run.Index);
            LivePartitions(execution, activity);
            EndIfNothingRuns(execution, activity);
            return true;
        }
        return false;
    }

    /// <summary>What status shows of a partitioned activity while it runs: each partition, and their counts summed.</summary>
    private void LivePartitions(ExecutionId execution, string activity)
    {
        var runs = _partitionRuns[(execution, activity)];
        var partitions = runs.ToImmutableSortedDictionary(r => r.Index, r => new PartitionView(r.Index, r.Node, r.State, r.Counts));
        Live(execution, activity, new ActivityView(ActivityState.Running, ActivityCounts.Sum(runs.Select(r => r.Counts)), Partitions: partitions));
    }

    /// <summary>An activity's run ended (completed, failed, stopped): partitions still running stop, at once.</summary>
    private void EndPartitions(ExecutionId execution, string activity)
    {
        if (!_partitionRuns.Remove((execution, activity), out var runs))
            return;
        foreach (var run in runs.Where(r => r.State == ActivityState.Running))
        {
            if (run.Entity is { } entity)
                Context.Unwatch(entity);
            Partitions.Tell(new PartitionMessages.Stop(EntityId(_state.Id, execution, activity, run.Index)));
        }
    }

    /// <summary>The running partitions of the executions matching <paramref name="of"/>.</summary>
    private IEnumerable<(ExecutionId Execution, string Activity, PartitionRun Run)> RunningPartitions(Func<ExecutionId, bool> of) =>
        _partitionRuns.Where(p => of(p.Key.Execution)).SelectMany(p => p.Value.Where(r => r.State == ActivityState.Running)
            .Select(r => (p.Key.Execution, p.Key.Activity, r)));

    private static DateTime InboundCompletedAt(ExecutionView execution, Activity activity, ExecutionPlan plan) =>
        plan.InboundOf(activity.Id).Select(i => execution.Activities[i.Activity].CompletedAt ?? execution.StartedAt).DefaultIfEmpty(execution.StartedAt).Max();
}
