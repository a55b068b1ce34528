using Akka.Actor;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// How many executions a node runs at once. Each running execution holds database connections while its activities
/// stream (a channel's readers hold two), so a node asked to run fifty campaigns at once would exhaust its pool; with
/// slots the rest wait their turn, first come first served. A slot is held while an execution has an activity
/// running, and given back when none runs (done, failed, paused, or waiting for a date). Slots are per execution, not
/// per activity: the activities of one execution wait on each other, so slots per activity could deadlock.
/// When the last running execution gives its slot back and the node stays so for <paramref name="idleAfter"/> (no slot
/// granted meanwhile: not an activity handing over to the next, nor a wait ending), <paramref name="idle"/> is called.
/// </summary>
public sealed class ExecutionSlots(int capacity, Action? idle = null, TimeSpan? idleAfter = null)
{
    private long _grants;

    /// <summary>Told to a campaign actor when its execution may run.</summary>
    public sealed record Granted(ExecutionId Execution);

    private readonly object _gate = new();
    private readonly HashSet<(IActorRef Campaign, ExecutionId Execution)> _held = [];
    private readonly LinkedList<(IActorRef Campaign, ExecutionId Execution)> _waiting = new();

    public int Capacity => capacity;

    /// <summary>Executions running now, and waiting for a slot.</summary>
    public (int Running, int Waiting) Load
    {
        get
        {
            lock (_gate)
                return (_held.Count, _waiting.Count);
        }
    }

    /// <summary><paramref name="campaign"/> is told <see cref="Granted"/> now or when a slot frees up.</summary>
    public void Request(IActorRef campaign, ExecutionId execution)
    {
        lock (_gate)
        {
            if (_held.Contains((campaign, execution)) || _waiting.Contains((campaign, execution)))
                return;
            _waiting.AddLast((campaign, execution));
            GrantWhatFits();
        }
    }

    public void Release(IActorRef campaign, ExecutionId execution)
    {
        long grants;
        lock (_gate)
        {
            if (!_held.Remove((campaign, execution)))
                return;
            GrantWhatFits();
            if (_held.Count > 0 || idle is null)
                return;
            grants = _grants;
        }
        _ = Task.Delay(idleAfter ?? TimeSpan.FromSeconds(1)).ContinueWith(_ =>
        {
            lock (_gate)
            {
                if (_held.Count > 0 || _waiting.Count > 0 || _grants != grants)
                    return;
            }
            idle();
        }, TaskScheduler.Default);
    }

    /// <summary>A campaign actor stopped (passivated, moved, failed): its slots and requests go.</summary>
    public void Forget(IActorRef campaign)
    {
        lock (_gate)
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
    }

    private void GrantWhatFits()
    {
        while (_held.Count < capacity && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            _held.Add(first.Value);
            _grants++;
            first.Value.Campaign.Tell(new Granted(first.Value.Execution));
        }
    }
}
