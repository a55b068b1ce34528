using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Activities;
using Akka.Actor;
using Akka.Event;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// Experiments: at each tick, an experiment whose window after its arms' paths has passed is decided over the figures
/// read from the database (<see cref="ExperimentFigures"/>), off the actor, then journaled (<c>ExperimentDecided</c>),
/// which sends the held-back profiles down the winner's path. An operator may force the winner before that.
/// </summary>
public sealed partial class CampaignActor
{
    private sealed record ExperimentFigured(ExecutionId Execution, string Activity, string Decision, IActorRef ReplyTo);

    private sealed record ExperimentNotFigured(ExecutionId Execution, string Activity, Exception Cause, IActorRef ReplyTo);

    /// <summary>Experiments whose figures are being read; a tick meanwhile starts no second reading.</summary>
    private readonly HashSet<(ExecutionId Execution, string Activity)> _figuring = [];

    private void ReceiveExperimentMessages()
    {
        Command<ExperimentFigured>(figured =>
        {
            _figuring.Remove((figured.Execution, figured.Activity));
            Handle(new CampaignCommands.DecideExperiment(_state.Id, figured.Execution, figured.Activity, figured.Decision), figured.ReplyTo);
        });
        Command<ExperimentNotFigured>(failed =>
        {
            _figuring.Remove((failed.Execution, failed.Activity));
            _log.Warning(failed.Cause, "reading the figures of experiment {0} of {1} {2} failed; the next tick tries again", failed.Activity, PersistenceId,
                failed.Execution);
            ForgetConnectionsAfter(failed.Cause);
            failed.ReplyTo.Tell(new CampaignReplies.Rejected(_state.Id, RejectionKind.Conflict,
                $"the figures of experiment '{failed.Activity}' could not be read: {failed.Cause.Message}"));
        });
    }

    /// <summary>Starts deciding every experiment whose time has come, in running live executions.</summary>
    private void DecideDueExperiments()
    {
        if (_state.Document is not { } document)
            return;
        foreach (var execution in _state.Executions.Where(e => e.State == ExecutionState.Running))
        {
            foreach (var experiment in _state.AwaitingDecision(execution))
            {
                if (ExperimentFigures.DueAt(document, execution, experiment) is { } due && due <= Now)
                    Figure(execution, experiment, null, ActorRefs.Nobody);
            }
        }
    }

    private void Force(CampaignCommands.ForceWinner force, IActorRef replyTo)
    {
        if (_state.ForceableWinner(force, out var execution, out var experiment) is Decision.Rejected rejected)
        {
            replyTo.Tell(new CampaignReplies.Rejected(_state.Id, rejected.Kind, rejected.Reason));
            return;
        }
        _log.Info("{0}: experiment {1} of {2} forced to '{3}' by {4}: {5}", PersistenceId, experiment!.Id, execution!.Id, force.Arm, force.By, force.Reason);
        Figure(execution, experiment, (force.Arm, force.By, force.Reason), replyTo);
    }

    private void Figure(ExecutionView execution, ExperimentActivity experiment, (string Arm, string By, string Why)? forced, IActorRef replyTo)
    {
        if (!_figuring.Add((execution.Id, experiment.Id)))
        {
            replyTo.Tell(new CampaignReplies.Rejected(_state.Id, RejectionKind.Conflict, $"experiment '{experiment.Id}' is deciding now"));
            return;
        }
        var (id, activity) = (execution.Id, experiment.Id);
        ExperimentFigures.DecideAsync(_services, _state.Id, _state.Document!, execution, experiment, Now, forced, CancellationToken.None)
            .PipeTo(Self, success: decision => new ExperimentFigured(id, activity, decision, replyTo),
                failure: e => new ExperimentNotFigured(id, activity, e, replyTo));
    }
}
