using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// One campaign, sharded by its id and persisted as <c>campaign-{id}</c>. Thin: it asks the pure
/// <see cref="CampaignState"/> to decide, persists the events, applies them and answers.
/// </summary>
public sealed class CampaignActor : ReceivePersistentActor
{
    private readonly TimeProvider _clock;
    private readonly CampaignEngineOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CampaignState _state;

    public CampaignActor(string id, TimeProvider clock, CampaignEngineOptions options)
    {
        _clock = clock;
        _options = options;
        _state = CampaignState.Empty(new CampaignId(id));
        PersistenceId = $"campaign-{id}";

        Recover<SnapshotOffer>(offer => _state = (CampaignState)offer.Snapshot);
        Recover<ICampaignEvent>(e => _state = _state.Apply(e));
        Command<ICampaignCommand>(Handle);
        Command<CampaignQueries.GetState>(_ => Sender.Tell(_state));
        Command<SaveSnapshotSuccess>(saved => DeleteMessages(saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "snapshot of {0} failed", PersistenceId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "deleting events of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public static Props Props(string id, TimeProvider clock, CampaignEngineOptions options) =>
        Akka.Actor.Props.Create(() => new CampaignActor(id, clock, options));

    private void Handle(ICampaignCommand command)
    {
        switch (_state.Decide(command, _clock.GetUtcNow().UtcDateTime))
        {
            case Decision.Rejected rejected:
                Sender.Tell(new CampaignReplies.Rejected(_state.Id, rejected.Kind, rejected.Reason));
                break;
            case Decision.Accepted accepted:
                var sender = Sender;
                PersistAll(accepted.Events, e =>
                {
                    _state = _state.Apply(e);
                    if (LastSequenceNr % _options.SnapshotEvery == 0)
                        SaveSnapshot(_state);
                });
                DeferAsync(accepted, _ =>
                {
                    var started = accepted.Events.OfType<CampaignEvents.ExecutionStarted>().LastOrDefault()?.Execution;
                    sender.Tell(new CampaignReplies.Accepted(_state.Id, _state.Status, started));
                });
                break;
        }
    }
}
