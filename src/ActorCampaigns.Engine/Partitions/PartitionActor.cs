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
            // Each assignment is under a new epoch: one not after the current is late, and stale.
            if (_assigned is { } current && current.Epoch >= assign.Epoch)
                return;
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
        Receive<ActivityActor.Progress>(progress => Tell(ReportKind.Progress, progress.Counts));
        Receive<ActivityActor.Finished>(finished => End(ReportKind.Finished, finished.Counts));
        Receive<ActivityActor.Held>(held => End(ReportKind.Held, held.Counts));
        Receive<ActivityActor.Failed>(failed => End(ReportKind.Failed, Campaigns.ActivityCounts.None, failed.Reason));
        Receive<ActivityActor.Waiting>(waiting => End(ReportKind.Failed, Campaigns.ActivityCounts.None,
            $"a partition cannot wait (until {waiting.Until:O}): waits run whole"));
        Receive<InboundCompleted>(completed => _run?.Tell(new ActivityActor.InboundCompleted(completed.Activity)));
        Receive<Hold>(_ => _run?.Tell(ActivityActor.Hold.Instance));
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

    public static Props Props(EngineServices services) => Akka.Actor.Props.Create(() => new PartitionActor(services));
}
