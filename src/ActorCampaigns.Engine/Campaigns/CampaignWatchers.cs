using Akka.Actor;

namespace ActorCampaigns.Engine.Campaigns;

/// <summary>
/// A campaign's watchers (the gateway's live feeds, <see cref="CampaignQueries.Watch"/>): each is told every state the
/// campaign publishes, until it terminates. A child of its campaign, which hands it the watches and the states and
/// hears from it how many watch (the campaign publishes only while someone does, and does not passivate then).
/// </summary>
public sealed class CampaignWatchers : ReceiveActor
{
    /// <summary>To the campaign: how many watch now.</summary>
    public sealed record Watching(int Count) : INotInfluenceReceiveTimeout;

    /// <summary>From the campaign: the state to tell every watcher.</summary>
    public sealed record Publish(CampaignState View) : INotInfluenceReceiveTimeout;

    public const string Name = "watchers";

    private readonly HashSet<IActorRef> _watchers = [];

    public CampaignWatchers()
    {
        // Watching again is harmless: a feed re-sends its watch now and then, to keep it where the campaign moves.
        Receive<CampaignQueries.Watch>(watch =>
        {
            if (!_watchers.Add(watch.Watcher))
                return;
            Context.Watch(watch.Watcher);
            Context.Parent.Tell(new Watching(_watchers.Count));
        });
        Receive<Terminated>(terminated =>
        {
            if (_watchers.Remove(terminated.ActorRef))
                Context.Parent.Tell(new Watching(_watchers.Count));
        });
        Receive<Publish>(publish =>
        {
            foreach (var watcher in _watchers)
                watcher.Tell(publish.View);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new CampaignWatchers());
}
