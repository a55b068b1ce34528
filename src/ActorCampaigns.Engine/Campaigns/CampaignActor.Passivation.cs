using ActorCampaigns.Domain.Campaigns;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Passivation. With remembered entities every campaign ever started would come back after a restart and tick every
/// second; instead a campaign that has been <see cref="Idle"/> for <see cref="Hosting.CampaignEngineOptions.PassivateIdleAfter"/>
/// asks its shard to stop it (<see cref="Passivate"/>), which also forgets it. Before that it records when it is next due
/// in <see cref="CampaignWakeups"/>, read by the node's <see cref="CampaignWaker"/>; any command or query wakes it too.
/// </summary>
public sealed partial class CampaignActor
{
    /// <summary>The sequence number the campaign had when it decided to passivate; null while it runs on.</summary>
    private long? _passivatingAt;

    /// <summary>
    /// Nothing running, starting or waiting (a wait's execution is running), no occurrence due within
    /// <see cref="Hosting.CampaignEngineOptions.WakeAhead"/> (nor any at all without a wake-up store), nobody watching,
    /// nothing left to write to the index: stopping the campaign now loses nothing, and nothing needs it before a
    /// command or its wake-up.
    /// </summary>
    private bool Idle =>
        _watching == 0
        && !ActivityActors.Any()
        && _slotted.Count == 0
        && _state.Executions.All(e => e.State != ExecutionState.Running)
        && !_summaries.Pending
        && !Timers.IsTimerActive("summary") && !Timers.IsTimerActive("publish")
        && (_state.NextDue is not { } due || (_services.Wakeups is not null && due > Now + _options.WakeAhead));

    /// <summary>A campaign published on a once or recurring schedule may have a wake-up recorded by an earlier passivation.</summary>
    private bool MayHaveWakeup => _state.PublishedAt is not null && _state.Document?.Schedule is OnceSchedule or RecurringSchedule;

    /// <summary>No command for a while: an idle campaign records its next wake-up, then passivates.</summary>
    private void PassivateIfIdle()
    {
        if (_passivatingAt is not null || !Idle)
            return;
        _passivatingAt = LastSequenceNr;
        var id = _state.Id.Value;
        var recorded = _services.Wakeups switch
        {
            { } wakeups when _state.NextDue is { } due => wakeups.SetAsync(id, due),
            { } wakeups when MayHaveWakeup => wakeups.RemoveAsync(id),
            _ => Task.CompletedTask,
        };
        recorded.PipeTo(Self, success: () => new WakeupRecorded(), failure: e => new WakeupRecorded(e));
    }

    private void WhenWakeupRecorded(WakeupRecorded recorded)
    {
        if (recorded.Failure is not null)
        {
            // It stays awake and tries again after the next idle period.
            _log.Warning(recorded.Failure, "recording the next wake-up of {0} failed; it does not passivate", PersistenceId);
            ForgetConnectionsAfter(recorded.Failure);
            _passivatingAt = null;
        }
        else if (_passivatingAt == LastSequenceNr && Idle)
            Context.Parent.Tell(new Passivate(StopIdle.Instance));
        else
            _passivatingAt = null;
    }

    /// <summary>
    /// The shard stops the campaign: what arrives from now on waits in the shard for the next incarnation. Something may
    /// have reached the campaign between its asking and this (a command that started an execution): then it asks the
    /// shard to start it again at once, which also remembers it, and its next incarnation goes on from the journal.
    /// </summary>
    private void WhenStopIdle()
    {
        if (_passivatingAt != LastSequenceNr || !Idle)
            Context.Parent.Tell(new ShardRegion.StartEntity(_state.Id.Value));
        Context.Stop(Self);
    }
}
