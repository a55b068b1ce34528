using ActorCampaigns.Engine.Executions;
using Akka.Actor;
using Akka.Cluster.Sharding;
using static ActorCampaigns.Engine.Partitions.PartitionMessages;

namespace ActorCampaigns.Engine.Partitions;

/// <summary>
/// A sharded entity that runs one partition of one activity of a partitioned execution, on whichever member the
/// partition region placed it: an <see cref="ActivityActor"/> child, as a campaign runs an activity of an execution
/// run whole, whose reports it passes on to the coordinator stamped with the partition and the epoch. It keeps
/// nothing: a member that dies takes its entities with it, and the coordinator, which watches them, assigns their
/// partitions again under a new epoch; the entity passivates once its run has ended.
/// </summary>
public sealed class PartitionActor : ReceiveActor
{
    private readonly string _node = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
    private Assign? _assigned;
    private IActorRef? _run;
    private ExecutionPlan? _plan;
    /// <summary>While quiet hours hold the partition's messages: when its run goes again, and what completed meanwhile.</summary>
    private (DateTime Until, Campaigns.ActivityCounts Counts, HashSet<string> Completed, ICancelable Ticks)? _waiting;
    private int _runs;

    /// <summary>How often a waiting partition looks at the clock.</summary>
    private static readonly TimeSpan WakeEvery = TimeSpan.FromSeconds(1);

    private sealed class Wake
    {
        public static readonly Wake Instance = new();
    }

    public PartitionActor(EngineServices services)
    {
        Receive<Assign>(assign =>
        {
            // The same epoch again: the coordinator did not hear that it runs (or restarted); an earlier one is stale.
            if (_assigned is { } current && current.Epoch >= assign.Epoch)
            {
                if (current.Epoch == assign.Epoch && _run is not null)
                {
                    _assigned = current with { Coordinator = assign.Coordinator };
                    Tell(ReportKind.Started, Campaigns.ActivityCounts.None);
                }
                return;
            }
            if (_run is not null)
            {
                Context.Unwatch(_run);
                Context.Stop(_run);
            }
            StopWaiting();
            _assigned = assign;
            _plan = _plan is { } plan && ReferenceEquals(plan.Document, assign.Document) ? plan : new ExecutionPlan(assign.Document);
            StartRun(services, assign);
            Tell(ReportKind.Started, Campaigns.ActivityCounts.None);
        });
        // Quiet hours hold the partition's messages: its run goes again here once they end (a member lost meanwhile
        // takes the partition with it, and the coordinator assigns it again).
        Receive<ActivityActor.Waiting>(_ => Sender.Equals(_run), waiting =>
        {
            var counts = waiting.Counts ?? Campaigns.ActivityCounts.None;
            Tell(ReportKind.Progress, counts);
            Context.Unwatch(_run!);
            _run = null;
            _waiting = (waiting.Until, counts, [], Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(WakeEvery, WakeEvery, Self, Wake.Instance, Self));
        });
        Receive<Wake>(_ =>
        {
            if (_waiting is not { } waiting || _assigned is not { } assigned || services.Clock.GetUtcNow().UtcDateTime < waiting.Until)
                return;
            StopWaiting();
            StartRun(services, assigned);
            foreach (var activity in waiting.Completed)
                _run!.Tell(new ActivityActor.InboundCompleted(activity));
        });
        // Only the current run's reports: one of a run stopped for a later epoch is stale.
        Receive<ActivityActor.Progress>(_ => Sender.Equals(_run), progress => Tell(ReportKind.Progress, progress.Counts));
        Receive<ActivityActor.Finished>(_ => Sender.Equals(_run), finished => End(ReportKind.Finished, finished.Counts));
        Receive<ActivityActor.Held>(_ => Sender.Equals(_run), held => End(ReportKind.Held, held.Counts));
        Receive<ActivityActor.Failed>(_ => Sender.Equals(_run), failed => End(ReportKind.Failed, Campaigns.ActivityCounts.None, failed.Reason));
        Receive<InboundCompleted>(completed =>
        {
            if (_waiting is { } waiting)
                waiting.Completed.Add(completed.Activity);
            else
                RunOrPassivate()?.Tell(new ActivityActor.InboundCompleted(completed.Activity));
        });
        Receive<Hold>(_ =>
        {
            if (_waiting is { } waiting)
                End(ReportKind.Held, waiting.Counts);
            else
                RunOrPassivate()?.Tell(ActivityActor.Hold.Instance);
        });
        Receive<Stop>(_ =>
        {
            StopWaiting();
            if (_run is not null)
                Context.Stop(_run);
            _run = null;
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Receive<Terminated>(terminated =>
        {
            if (!terminated.ActorRef.Equals(_run))
                return;
            _run = null;
            End(ReportKind.Failed, Campaigns.ActivityCounts.None, "the partition's run stopped without reporting how it ended; the member's log tells why");
        });
        // What a run stopped for a later epoch still said, and what comes for a run already ended.
        ReceiveAny(_ => { });
    }

    private void StartRun(EngineServices services, Assign assign) =>
        _run = Context.Watch(Context.ActorOf(ActivityActor.Props(assign.ToRun(_plan!), services), $"run-{assign.Epoch}-{++_runs}"));

    private void StopWaiting()
    {
        _waiting?.Ticks.Cancel();
        _waiting = null;
    }

    /// <summary>The run, or none: an entity started by a message for a run that has ended (it passivated since) goes again.</summary>
    private IActorRef? RunOrPassivate()
    {
        if (_run is null)
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        return _run;
    }

    private void Tell(ReportKind kind, Campaigns.ActivityCounts counts, string? reason = null)
    {
        if (_assigned is { } assigned)
            assigned.Coordinator.Tell(new Report(assigned.Campaign, assigned.Execution, assigned.Activity, assigned.Partition, assigned.Epoch, _node, kind,
                counts, reason), Self);
    }

    /// <summary>The run ended: the coordinator hears how, and the entity passivates.</summary>
    private void End(ReportKind kind, Campaigns.ActivityCounts counts, string? reason = null)
    {
        StopWaiting();
        Tell(kind, counts, reason);
        if (_run is not null)
            Context.Unwatch(_run);
        _run = null;
        Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    /// <summary>A run that throws stops (and is reported failed), as under a campaign; it is never restarted unseen.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PostStop() => StopWaiting();

    public static Props Props(EngineServices services) => Akka.Actor.Props.Create(() => new PartitionActor(services));
}
