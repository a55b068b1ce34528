using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Partitions;
using ActorCampaigns.Engine.Telemetry;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// One campaign, sharded by its id and persisted as <c>campaign-{id}</c>. Thin: it asks the pure
/// <see cref="CampaignState"/> to decide, persists the events, applies them and answers. It supervises one
/// <see cref="ActivityActor"/> per activity of a running execution, starting each when the activities feeding it are
/// done; after a restart it starts again whatever was not done, so an execution resumes where it stood.
/// </summary>
public sealed partial class CampaignActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Progress reaches the campaign index at most this often; decisions (published, stopped...) at once.</summary>
    private static readonly TimeSpan SummaryEvery = TimeSpan.FromSeconds(1);

    /// <summary>Feedback arrives by the thousand a second at peak: the campaign reads its counts at most this often (<see cref="CampaignFeedback"/>).</summary>
    private static readonly TimeSpan ReadFeedbackEvery = TimeSpan.FromSeconds(1);

    private readonly CampaignEngineOptions _options;
    private readonly EngineServices _services;

    /// <summary>The node's <see cref="ExecutionSlots"/>; none: executions run as soon as they have work.</summary>
    private readonly IActorRef? _slots;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<ExecutionId, HashSet<string>> _running = [];
    private readonly Dictionary<(ExecutionId, string), DateTime> _waiting = [];

    /// <summary>When an activity that waits first started, for its completion's timing (kept while the actor lives).</summary>
    private readonly Dictionary<(ExecutionId, string), DateTime> _firstStarted = [];
    private readonly Dictionary<(ExecutionId Execution, string Activity), ActivityView> _live = [];
    /// <summary>How many watch the campaign, as its <see cref="CampaignWatchers"/> told.</summary>
    private int _watching;
    private readonly Dictionary<IActorRef, (ExecutionId Execution, string Activity)> _activities = [];
    private CampaignState _state;
    private IReadOnlyList<FeedbackCount> _feedback = [];
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private readonly HashSet<ExecutionId> _slotted = [];
    private ExecutionPlan? _plan;
    private readonly SummaryWrites _summaries = new();

    public CampaignActor(string id, CampaignEngineOptions options, EngineServices services, IActorRef? slots = null)
    {
        _options = options;
        _services = services;
        _slots = slots;
        _state = CampaignState.Empty(new CampaignId(id));
        PersistenceId = $"campaign-{id}";

        Recover<SnapshotOffer>(offer => _state = (CampaignState)offer.Snapshot);
        Recover<ICampaignEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Executions.Any(e => e.Mode == ExecutionMode.Live))
                Feedback.Tell(CampaignFeedback.ReadNow.Instance);
            SaveSummary();
            Advance();
        });
        Command<ICampaignCommand>(command => Handle(command, Sender));
        ReceivePartitionMessages();
        ReceiveExperimentMessages();
        ReceiveErrorNotifications();
        Command<CampaignQueries.GetState>(_ => Sender.Tell(View));
        Command<CampaignQueries.Watch>(watch =>
        {
            Watchers.Tell(watch);
            watch.Watcher.Tell(View);
        });
        // A new watcher hears the state now (above) and the changes from now on, at the next publication.
        Command<CampaignWatchers.Watching>(watching =>
        {
            _watching = watching.Count;
            SchedulePublication();
        });
        Command<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Path.Name == CampaignWatchers.Name)
                _watching = 0;
            if (PartitionEntityTerminated(terminated.ActorRef))
                return;
            // An activity actor that stopped without telling how its run ended crashed: its run failed.
            if (_activities.Remove(terminated.ActorRef, out var stopped) && _running.GetValueOrDefault(stopped.Execution)?.Contains(stopped.Activity) == true)
                Handle(new CampaignCommands.FailActivity(_state.Id, stopped.Execution, stopped.Activity,
                    "the activity stopped without reporting how it ended; the node's log tells why"), ActorRefs.Nobody);
            // An activity whose previous actor was still stopping can start now.
            Advance();
        });
        Command<Publish>(_ =>
        {
            if (_watching > 0)
                Watchers.Tell(new CampaignWatchers.Publish(View));
        });
        // Progress comes from the stream, not the activity's actor, so it may arrive after the run ended: then it is stale.
        Command<ActivityActor.Progress>(progress =>
        {
            if (_running.GetValueOrDefault(progress.Execution)?.Contains(progress.Activity) == true)
                Live(progress.Execution, progress.Activity, new ActivityView(ActivityState.Running, progress.Counts));
        });
        // A finished or failed activity counts as running until its event is applied, so nothing starts it again meanwhile.
        Command<ActivityActor.Finished>(finished =>
        {
            _activities.Remove(Sender);
            _live.Remove((finished.Execution, finished.Activity));
            // A run after a wait (a wait, a channel holding for its recipients' time) completes what its first run started.
            var startedAt = _firstStarted.Remove((finished.Execution, finished.Activity), out var first) && first < finished.StartedAt ? first : finished.StartedAt;
            Handle(new CampaignCommands.CompleteActivity(_state.Id, finished.Execution, finished.Activity, finished.Counts, startedAt), ActorRefs.Nobody);
        });
        Command<ActivityActor.Waiting>(waiting =>
        {
            _activities.Remove(Sender);
            Ended(waiting.Execution, waiting.Activity);
            _waiting[(waiting.Execution, waiting.Activity)] = waiting.Until;
            if (waiting.StartedAt is { } started)
                _firstStarted.TryAdd((waiting.Execution, waiting.Activity), started);
            Live(waiting.Execution, waiting.Activity, new ActivityView(ActivityState.Waiting, waiting.Counts ?? ActivityCounts.None,
                Later: new LaterRun(waiting.Until, waiting.Messages)));
        });
        Command<ActivityActor.Held>(held =>
        {
            _activities.Remove(Sender);
            Ended(held.Execution, held.Activity);
            Live(held.Execution, held.Activity, new ActivityView(ActivityState.Pending, held.Counts));
            Advance();
        });
        Command<Tick>(_ =>
        {
            if (_state.NextDue is { } due && due <= Now)
                Handle(new CampaignCommands.StartScheduled(_state.Id, due), ActorRefs.Nobody);
            RemindPartitions();
            DecideDueExperiments();
            Advance();
        });
        Command<ActivityActor.Failed>(failed =>
        {
            _activities.Remove(Sender);
            _live.Remove((failed.Execution, failed.Activity));
            _log.Warning("activity {0} of {1} {2} failed: {3}", failed.Activity, PersistenceId, failed.Execution, failed.Reason);
            Handle(new CampaignCommands.FailActivity(_state.Id, failed.Execution, failed.Activity, failed.Reason), ActorRefs.Nobody);
        });
        Command<CampaignQueries.FeedbackArrived>(arrived => Feedback.Tell(arrived));
        Command<CampaignFeedback.Counts>(counts =>
        {
            _feedback = counts.Values;
            Changed();
        });
        Command<WriteSummary>(_ => SaveSummary());
        Command<SummaryWritten>(written =>
        {
            var (released, again) = _summaries.Ended(failed: written.Failure is not null);
            if (written.Failure is not null)
            {
                _log.Warning(written.Failure, "writing the summary of {0} to the campaign index failed", PersistenceId);
                ForgetConnectionsAfter(written.Failure);
            }
            foreach (var (to, reply) in released)
                to.Tell(reply);
            // A failed write is tried again at the next tick: a campaign that changes no more would otherwise stay stale.
            if (again && written.Failure is null)
                SaveSummary();
            else if (again)
                Timers.StartSingleTimer("summary", WriteSummary.Instance, SummaryEvery);
        });
        Command<ExecutionSlots.Granted>(granted =>
        {
            _slotted.Add(granted.Execution);
            Advance();
        });
        Command<ReceiveTimeout>(_ => PassivateIfIdle());
        Command<WakeupRecorded>(WhenWakeupRecorded);
        Command<StopIdle>(_ => WhenStopIdle());
        Command<SaveSnapshotSuccess>(saved =>
        {
            DeleteMessages(saved.Metadata.SequenceNr);
            if (_options.KeepSnapshotsFor > TimeSpan.Zero)
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1, Now - _options.KeepSnapshotsFor));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "snapshot of {0} failed", PersistenceId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "deleting events of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "deleting old snapshots of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTime Now => _services.Clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The state with the failures the journal could not record, the live counts of running activities and the feedback
    /// counts: what status and watchers see.
    /// </summary>
    private CampaignState View => Unrecorded().Aggregate(_state, (state, failed) => state.Apply(failed)).WithLive(_live).WithFeedback(_feedback)
        with { Node = _node };

    /// <summary>The failures the journal could not record whose activity is still to run in a running execution.</summary>
    private IEnumerable<CampaignEvents.ActivityFailed> Unrecorded() => _services.Unrecorded.Of(_state.Id).Where(failed =>
        _state.Executions.Any(e => e.Id == failed.Execution && e.State == ExecutionState.Running && !e.Activities[failed.Activity].IsDone));

    /// <summary>
    /// A failed write to the journal stops this actor. A failure it could not record is kept by the node, so the actor
    /// started next shows it and holds its execution instead of running the activity again at once, on a disk still full.
    /// </summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        if (@event is CampaignEvents.ActivityFailed failed)
            _services.Unrecorded.Add(failed with { Reason = $"{failed.Reason} (the campaign's journal could not record this failure: {cause.Message})" });
        ForgetConnectionsAfter(cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>
    /// After a restart of the database every pooled connection is broken, the journal's with the stores': the first
    /// error of a campaign (its summary written each second while it runs) drops them all, so the next write of its
    /// journal, which would stop it, finds a live connection.
    /// </summary>
    private void ForgetConnectionsAfter(Exception error)
    {
        if (Data.DatabaseOutage.Is(error))
            _services.Profiles.Database.ForgetConnections();
    }

    /// <summary>An activity reported between persisted events; watchers hear of it at the next publication.</summary>
    private void Live(ExecutionId execution, string activity, ActivityView view)
    {
        _live[(execution, activity)] = view;
        Changed();
    }

    /// <summary>An activity's run ended (done, failed, waiting or held): it no longer runs, and what it reported is superseded.</summary>
    private void Ended(ExecutionId execution, string activity)
    {
        EndPartitions(execution, activity);
        _running.GetValueOrDefault(execution)?.Remove(activity);
        _live.Remove((execution, activity));
        Changed();
    }

    private void Changed()
    {
        SchedulePublication();
        if (_services.Index is not null && !Timers.IsTimerActive("summary"))
            Timers.StartSingleTimer("summary", WriteSummary.Instance, SummaryEvery);
    }

    private void SchedulePublication()
    {
        if (_watching > 0 && !Timers.IsTimerActive("publish"))
            Timers.StartSingleTimer("publish", Publish.Instance, PublishEvery);
    }

    /// <summary>Writes the campaign's summary to the index, one write at a time (a change meanwhile is written after it).</summary>
    private void SaveSummary()
    {
        if (_services.Index is not { } index || _state.Status == CampaignStatus.None)
        {
            foreach (var (to, reply) in _summaries.TakeAll())
                to.Tell(reply);
            return;
        }
        if (!_summaries.Start())
            return;
        index.SaveSummaryAsync(_state.Id.Value, CampaignSummary.Of(View).ToJson())
            .PipeTo(Self, success: () => new SummaryWritten(), failure: e => new SummaryWritten(e));
    }

    protected override void PostStop()
    {
        // Their commands were persisted: the replies go now, the next incarnation writing the summary as it recovers.
        foreach (var (to, reply) in _summaries.TakeAll())
            to.Tell(reply);
        EndExecutionSpansOnStop();
        CampaignMetrics.MailboxSize.Forget(this);
        CampaignMetrics.MailboxLargest.Forget(this);
        base.PostStop();
    }

    protected override void PreStart()
    {
        base.PreStart();
        // Read from the metrics' thread: a mailbox's count may be read from any.
        var cell = (ActorCell)Context;
        CampaignMetrics.MailboxSize.Register(this, () => cell.NumberOfMessages);
        CampaignMetrics.MailboxLargest.Register(this, () => cell.NumberOfMessages);
        Timers.StartPeriodicTimer("tick", Tick.Instance, _options.TickInterval);
        if (_options.PassivateIdleAfter > TimeSpan.Zero)
            Context.SetReceiveTimeout(_options.PassivateIdleAfter);
    }

    /// <summary>An activity actor that throws stops; its campaign fails the activity, which resume runs again.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(string id, CampaignEngineOptions options, EngineServices services, IActorRef? slots = null) =>
        Akka.Actor.Props.Create(() => new CampaignActor(id, options, services, slots));

    private void Handle(ICampaignCommand command, IActorRef replyTo)
    {
        if (command is CampaignCommands.ForceWinner force)
        {
            Force(force, replyTo);
            return;
        }
        if (command is CampaignCommands.Resume && Unrecorded().Any())
        {
            ResumeUnrecorded(replyTo);
            return;
        }
        switch (_state.Decide(command, Now, command is CampaignCommands.StartTest or CampaignCommands.Publish or CampaignCommands.Trigger
                    or CampaignCommands.StartScheduled ? WantedPartitions() : 1))
        {
            case Decision.Rejected rejected:
                if (command is CampaignCommands.CompleteActivity or CampaignCommands.FailActivity)
                    _log.Warning("{0}: {1}", PersistenceId, rejected.Reason);
                if (command is CampaignCommands.CompleteActivity complete)
                    Ended(complete.Execution, complete.Activity);
                if (command is CampaignCommands.FailActivity fail)
                    Ended(fail.Execution, fail.Activity);
                replyTo.Tell(new CampaignReplies.Rejected(_state.Id, rejected.Kind, rejected.Reason));
                break;
            case Decision.Accepted decided:
                var accepted = new Decision.Accepted(Traced(decided.Events, command));
                // A failure is told when it ends a running execution, not again for one already held or suspended.
                var running = _state.Executions.Where(e => e.State == ExecutionState.Running).Select(e => e.Id).ToHashSet();
                PersistAll(accepted.Events, e =>
                {
                    _state = _state.Apply(e);
                    if (LastSequenceNr % _options.SnapshotEvery == 0)
                        SaveSnapshot(_state);
                    if (e is CampaignEvents.ActivityCompleted completed)
                        Ended(completed.Execution, completed.Activity);
                    if (e is CampaignEvents.ActivityFailed failed)
                        Ended(failed.Execution, failed.Activity);
                    if (e is CampaignEvents.ActivityDecided activityDecided)
                        Decided(activityDecided);
                    if (e is CampaignEvents.ExecutionCompleted or CampaignEvents.Stopped or CampaignEvents.ActivityFailed)
                        EndExecutionSpans();
                    Changed();
                });
                DeferAsync(accepted, _ =>
                {
                    var started = accepted.Events.OfType<CampaignEvents.ExecutionStarted>().LastOrDefault()?.Execution
                        ?? accepted.Events.OfType<CampaignEvents.ExperimentDecided>().LastOrDefault()?.Execution;
                    _summaries.ReplyAfterNextWrite(replyTo, new CampaignReplies.Accepted(_state.Id, _state.Status, started));
                    SaveSummary();
                    foreach (var completed in accepted.Events.OfType<CampaignEvents.ActivityCompleted>())
                        TellCompleted(completed.Execution, completed.Activity);
                    foreach (var failed in accepted.Events.OfType<CampaignEvents.ActivityFailed>().Where(f => running.Contains(f.Execution)))
                        Notify(failed);
                    if (_state.Status == CampaignStatus.Stopped)
                        StopActivities();
                    HoldActivities();
                    Advance();
                });
                break;
        }
    }

    /// <summary>The journal never knew its executions failed: resuming forgets the failures and runs their activities again.</summary>
    private void ResumeUnrecorded(IActorRef replyTo)
    {
        _services.Unrecorded.Forget(_state.Id);
        _summaries.ReplyAfterNextWrite(replyTo, new CampaignReplies.Accepted(_state.Id, _state.Status, null));
        Changed();
        SaveSummary();
        Advance();
    }

    /// <summary>
    /// Does what <see cref="NextActivities.Decide"/> says: asks the node for slots, starts every activity that can run
    /// now, gives back the slots of executions with nothing running (they take one again when they have work;
    /// Granted calls this again).
    /// </summary>
    private void Advance()
    {
        if (_state.Document is not { } document)
            return;
        var plan = _plan is { } known && ReferenceEquals(known.Document, document) ? known : _plan = new ExecutionPlan(document);
        var now = Now;
        var steps = NextActivities.Decide(_state, plan, new CampaignRuntime(
            _running.ToDictionary(r => r.Key, r => (IReadOnlySet<string>)r.Value),
            _waiting.Where(w => w.Value > now).Select(w => w.Key).ToHashSet(),
            ActivityActors.Select(c => c.Path.Name).ToHashSet(StringComparer.Ordinal),
            Unrecorded().Select(f => f.Execution).Concat(AwaitingPartitions()).ToHashSet(),
            _slots is null ? null : _slotted));
        foreach (var execution in steps.RequestSlot)
            _slots!.Tell(new ExecutionSlots.Request(execution));
        foreach (var start in steps.Starts)
            Start(plan, start);
        foreach (var execution in steps.ReleaseSlot)
        {
            _slotted.Remove(execution);
            _slots?.Tell(new ExecutionSlots.Release(execution));
        }
    }

    private void Start(ExecutionPlan plan, NextSteps.Start start)
    {
        var (execution, activity) = (start.Execution, start.Activity);
        _waiting.Remove((execution.Id, activity.Id));
        (_running.TryGetValue(execution.Id, out var running) ? running : _running[execution.Id] = []).Add(activity.Id);
        if (StartPartitioned(execution, activity))
            return;
        var inboundCompletedAt = InboundCompletedAt(execution, activity, plan);
        var run = ActivityRun.Of(_state.Id, plan, execution.Id, execution.Mode, activity, execution.Variables, execution.StartedAt, inboundCompletedAt,
            start.Done, execution.Partitions is { } boundaries ? new ExecutionPartitions(boundaries) : null,
            decision: execution.Activities[activity.Id].Decision, secondWave: execution.Activities[activity.Id].FirstWave is not null, trace: execution.Trace);
        var child = Context.ActorOf(ActivityActor.Props(run, _services), NextActivities.ActorName(execution.Id, activity.Id));
        _activities[child] = (execution.Id, activity.Id);
        Context.Watch(child);
    }

    /// <summary>The campaign's watchers, a child started when someone first watches.</summary>
    private IActorRef Watchers => Context.Child(CampaignWatchers.Name) is var watchers && !watchers.IsNobody() ? watchers
        : Context.Watch(Context.ActorOf(CampaignWatchers.Props(), CampaignWatchers.Name));

    /// <summary>The reader of the campaign's feedback counts, a child started when feedback first arrives.</summary>
    private IActorRef Feedback => Context.Child(CampaignFeedback.Name) is var feedback && !feedback.IsNobody() ? feedback
        : Context.ActorOf(CampaignFeedback.Props(_state.Id, _services, ReadFeedbackEvery), CampaignFeedback.Name);

    /// <summary>The children that run activities (still stopping ones included), not the watchers nor the feedback reader.</summary>
    private IEnumerable<IActorRef> ActivityActors => Context.GetChildren().Where(c => c.Path.Name is not (CampaignWatchers.Name or CampaignFeedback.Name));

    /// <summary>Tells the running activities of an execution that one of its activities completed, for those that stream what it wrote.</summary>
    private void TellCompleted(ExecutionId execution, string activity)
    {
        foreach (var child in Context.GetChildren().Where(c => c.Path.Name.StartsWith($"{execution}-", StringComparison.Ordinal)))
            child.Tell(new ActivityActor.InboundCompleted(activity));
        foreach (var (_, running, run) in RunningPartitions(e => e == execution))
            Partitions.Tell(new PartitionMessages.InboundCompleted(PartitionMessages.EntityId(_state.Id, execution, running, run.Index), activity));
    }

    private void StopActivities()
    {
        foreach (var child in ActivityActors)
            Context.Stop(child);
        foreach (var key in _partitionRuns.Keys.ToList())
            EndPartitions(key.Execution, key.Activity);
        CancelDecisions(_ => true);
        _running.Clear();
        _live.Clear();
    }

    /// <summary>
    /// In a paused or failed execution each running activity ends its stream at its next batch boundary and reports
    /// that it holds there (after a failure, those streaming what the failed activity wrote would otherwise wait for
    /// it); resuming runs them again.
    /// </summary>
    private void HoldActivities()
    {
        var held = _state.Executions.Where(e => e.State is ExecutionState.Paused or ExecutionState.Failed).Select(e => $"{e.Id}-").ToList();
        foreach (var child in Context.GetChildren().Where(c => held.Any(prefix => c.Path.Name.StartsWith(prefix, StringComparison.Ordinal))))
            child.Tell(ActivityActor.Hold.Instance);
        var holding = _state.Executions.Where(e => e.State is ExecutionState.Paused or ExecutionState.Failed).Select(e => e.Id).ToHashSet();
        foreach (var (execution, activity, run) in RunningPartitions(holding.Contains))
            Partitions.Tell(new PartitionMessages.Hold(PartitionMessages.EntityId(_state.Id, execution, activity, run.Index)));
        CancelDecisions(holding.Contains);
    }
}
