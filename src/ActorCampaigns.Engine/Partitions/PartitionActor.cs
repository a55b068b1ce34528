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
            _assigned = assign;
            _plan = _plan is { } plan && ReferenceEquals(plan.Document, assign.Document) ? plan : new ExecutionPlan(assign.Document);
            _run = Context.Watch(Context.ActorOf(ActivityActor.Props(assign.ToRun(_plan), services), $"run-{assign.Epoch}"));
            Tell(ReportKind.Started, Campaigns.ActivityCounts.None);
        });
        // Only the current run's reports: one of a run stopped for a later epoch is stale.
        Receive<ActivityActor.Progress>(_ => Sender.Equals(_run), progress => Tell(ReportKind.Progress, progress.Counts));
        Receive<ActivityActor.Finished>(_ => Sender.Equals(_run), finished => End(ReportKind.Finished, finished.Counts));
        Receive<ActivityActor.Held>(_ => Sender.Equals(_run), held => End(ReportKind.Held, held.Counts));
        Receive<ActivityActor.Failed>(_ => Sender.Equals(_run), failed => End(ReportKind.Failed, Campaigns.ActivityCounts.None, failed.Reason));
        Receive<ActivityActor.Waiting>(_ => Sender.Equals(_run), waiting => End(ReportKind.Failed, Campaigns.ActivityCounts.None,
            $"a partition cannot wait (until {waiting.Until:O}): waits run whole"));
        Receive<InboundCompleted>(completed => RunOrPassivate()?.Tell(new ActivityActor.InboundCompleted(completed.Activity)));
        Receive<Hold>(_ => RunOrPassivate()?.Tell(ActivityActor.Hold.Instance));
        Receive<Stop>(_ =>
        {
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
        Tell(kind, counts, reason);
        if (_run is not null)
            Context.Unwatch(_run);
        _run = null;
        Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    /// <summary>A run that throws stops (and is reported failed), as under a campaign; it is never restarted unseen.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(EngineServices services) => Akka.Actor.Props.Create(() => new PartitionActor(services));
}
