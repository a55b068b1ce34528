using Akka.Actor;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// A campaign's writes of its summary to the campaign index, one at a time, and the replies waiting for them: a reply
/// to a command goes once a summary written after the command is stored, so a list read after the reply shows it.
/// Bookkeeping only: the campaign actor writes and tells.
/// </summary>
public sealed class SummaryWrites
{
    private bool _writing;
    private bool _changed;
    private List<(IActorRef To, object Reply)> _waiting = [];
    private List<(IActorRef To, object Reply)> _released = [];

    /// <summary>A write in progress or to come, or replies waiting for one.</summary>
    public bool Pending => _writing || _changed || _waiting.Count > 0 || _released.Count > 0;

    /// <summary>Holds <paramref name="reply"/> until the next write that starts has ended.</summary>
    public void ReplyAfterNextWrite(IActorRef to, object reply) => _waiting.Add((to, reply));

    /// <summary>True when a write starts now; false when one is in progress, the change then being written after it.</summary>
    public bool Start()
    {
        if (_writing)
        {
            _changed = true;
            return false;
        }
        (_writing, _changed, _released, _waiting) = (true, false, _waiting, []);
        return true;
    }

    /// <summary>The write in progress ended: the replies it releases, and whether a change (or the failed write) is still to be written.</summary>
    public (IReadOnlyList<(IActorRef To, object Reply)> Released, bool WriteAgain) Ended(bool failed)
    {
        var released = _released;
        (_writing, _released, _changed) = (false, [], _changed || failed);
        return (released, _changed);
    }

    /// <summary>Every reply still held, to be told at once: nothing will be written (no index, or the actor stops).</summary>
    public IReadOnlyList<(IActorRef To, object Reply)> TakeAll()
    {
        var all = _released.Concat(_waiting).ToList();
        (_released, _waiting) = ([], []);
        return all;
    }
}
