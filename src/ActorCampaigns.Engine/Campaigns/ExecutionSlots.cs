using ActorCampaigns.Engine.Telemetry;
using Akka.Actor;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// How many executions a node runs at once, as an actor. Each running execution holds database connections while its
/// activities stream (a channel's readers hold two), so a node asked to run fifty campaigns at once would exhaust its
/// pool; with slots the rest wait their turn, first come first served. A campaign <see cref="Request"/>s a slot for an
/// execution and is told <see cref="Granted"/> now or when one frees up; it holds it while the execution has an
/// activity running, and gives it back (<see cref="Release"/>) when none runs (done, failed, paused, or waiting for a
/// date). Slots are per execution, not per activity: the activities of one execution wait on each other, so slots per
/// activity could deadlock. A campaign that stops (passivated, moved, failed) gives back its slots and requests.
/// When the last running execution gives its slot back and the node stays so for <see cref="Settings.IdleAfter"/> (no
/// slot granted meanwhile: not an activity handing over to the next, nor a wait ending), <see cref="Settings.Idle"/> is
/// called.
/// </summary>
public sealed class ExecutionSlots : ReceiveActor, IWithTimers
{
    /// <summary>What a node's slots are: how many, and what to do once it is idle (<see cref="IdleNode"/>).</summary>
    public sealed record Settings(int Capacity, Action? Idle = null, TimeSpan? IdleAfter = null);

    /// <summary>From a campaign actor (the sender): its <paramref name="Execution"/> has an activity to run.</summary>
    public sealed record Request(ExecutionId Execution);

    /// <summary>From a campaign actor (the sender): nothing of <paramref name="Execution"/> runs any more.</summary>
    public sealed record Release(ExecutionId Execution);

    /// <summary>Told to a campaign actor when its execution may run.</summary>
    public sealed record Granted(ExecutionId Execution);

    /// <summary>Answered with <see cref="Load"/>.</summary>
    public sealed class GetLoad
    {
        public static readonly GetLoad Instance = new();
    }

    /// <summary>Executions running now, and waiting for a slot.</summary>
    public sealed record Load(int Running, int Waiting);

    private sealed record IdleCheck(long Grants);

    private readonly Settings _settings;
    private readonly HashSet<(IActorRef Campaign, ExecutionId Execution)> _held = [];
    private readonly LinkedList<(IActorRef Campaign, ExecutionId Execution)> _waiting = new();
    private long _grants;

    // What the metrics read, from another thread, as of the last change.
    private volatile int _runningNow;
    private volatile int _waitingNow;

    public ExecutionSlots(Settings settings)
    {
        _settings = settings;
        Receive<Request>(request =>
        {
            var key = (Sender, request.Execution);
            if (_held.Contains(key) || _waiting.Contains(key))
                return;
            Context.Watch(Sender);
            _waiting.AddLast(key);
            GrantWhatFits();
        });
        Receive<Release>(release =>
        {
            if (!_held.Remove((Sender, release.Execution)))
                return;
            GrantWhatFits();
            if (_held.Count == 0 && _settings.Idle is not null)
                Timers.StartSingleTimer("idle", new IdleCheck(_grants), _settings.IdleAfter ?? TimeSpan.FromSeconds(1));
        });
        Receive<IdleCheck>(check =>
        {
            if (_held.Count == 0 && _waiting.Count == 0 && _grants == check.Grants && _settings.Idle is { } idle)
                Task.Run(idle);
        });
        Receive<Terminated>(terminated => Forget(terminated.ActorRef));
        Receive<GetLoad>(_ => Sender.Tell(new Load(_held.Count, _waiting.Count)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        CampaignMetrics.ExecutionsRunning.Register(this, () => _runningNow);
        CampaignMetrics.ExecutionsWaiting.Register(this, () => _waitingNow);
    }

    protected override void PostStop()
    {
        CampaignMetrics.ExecutionsRunning.Forget(this);
        CampaignMetrics.ExecutionsWaiting.Forget(this);
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new ExecutionSlots(settings));

    /// <summary>A campaign actor stopped: its slots and requests go.</summary>
    private void Forget(IActorRef campaign)
    {
        _held.RemoveWhere(h => h.Campaign.Equals(campaign));
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Campaign.Equals(campaign))
                _waiting.Remove(node);
            node = next;
        }
        GrantWhatFits();
    }

    private void GrantWhatFits()
    {
        while (_held.Count < _settings.Capacity && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            _held.Add(first.Value);
            _grants++;
            first.Value.Campaign.Tell(new Granted(first.Value.Execution));
        }
        (_runningNow, _waitingNow) = (_held.Count, _waiting.Count);
    }
}
