using Akka.Actor;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// What a campaign does after an activity of a live execution failed, beyond the failure its state records: its
/// error notification (<see cref="ErrorNotifications"/>), sent off the actor's thread and recorded on the log once sent.
/// </summary>
public sealed partial class CampaignActor
{
    /// <summary>What became of an error notification's targets.</summary>
    private sealed record Notified(ExecutionId Execution, IReadOnlyList<string> Notes);

    private void ReceiveErrorNotifications() => Command<Notified>(notified =>
    {
        if (notified.Notes.Count > 0)
            Handle(new CampaignCommands.RecordErrorNotification(_state.Id, notified.Execution, notified.Notes), ActorRefs.Nobody);
    });

    /// <summary>
    /// Tells the campaign's notify targets of a failure persisted (and applied) in a live execution: the notice is
    /// numbered by the journal's last sequence number, so each failure's is its own.
    /// </summary>
    private void Notify(CampaignEvents.ActivityFailed failed)
    {
        if (_state.Execution(failed.Execution)?.Mode != ExecutionMode.Live || _state.Document?.ErrorPolicy.Notify is null)
            return;
        ErrorNotifications.FailedAsync(_services, _state, failed, LastSequenceNr, CancellationToken.None).PipeTo(Self,
            success: notes => new Notified(failed.Execution, notes),
            failure: e => new Notified(failed.Execution, [$"not sent: {e.Message}"]));
    }
}
