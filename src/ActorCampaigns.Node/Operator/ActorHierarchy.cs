using Akka.Actor;

namespace ActorCampaigns.Node.Operator;

/// <summary>
/// The actors of this node, found the way pbm's <c>actor hierarchy</c> finds them: an <see cref="Identify"/> to the
/// children of each actor found, level by level, down to a depth. Actors that answer after the walk has gone quiet
/// for a moment are left out, so the answer comes in bounded time however busy the node is.
/// </summary>
public static class ActorHierarchy
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static void MapActorHierarchyEndpoint(this RouteGroupBuilder group) =>
        group.MapGet("/actors", async (int? depth, ActorSystem system, CancellationToken cancel) =>
        {
            var levels = Math.Clamp(depth ?? 4, 1, 12);
            var walker = system.ActorOf(Props.Create(() => new Walker(levels)));
            var paths = await walker.Ask<IReadOnlyList<string>>(Walker.Start.Instance, TimeSpan.FromSeconds(30), cancel);
            return Results.Ok(new { node = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString(), depth = levels, actors = paths });
        });

    private sealed class Walker : ReceiveActor
    {
        public sealed class Start
        {
            public static readonly Start Instance = new();
        }

        private readonly SortedSet<string> _found = new(StringComparer.Ordinal);
        private IActorRef _requester = ActorRefs.Nobody;

        public Walker(int depth)
        {
            Receive<Start>(_ =>
            {
                _requester = Sender;
                foreach (var top in new[] { "/user", "/system" })
                    Context.ActorSelection(top).Tell(new Identify(1), Self);
                Context.SetReceiveTimeout(Quiet);
            });
            Receive<ActorIdentity>(identity =>
            {
                if (identity.Subject is not { } actor || !_found.Add(actor.Path.ToStringWithoutAddress()))
                    return;
                var level = (int)identity.MessageId;
                if (level < depth)
                    Context.ActorSelection(actor.Path.ToStringWithoutAddress() + "/*").Tell(new Identify(level + 1), Self);
            });
            Receive<ReceiveTimeout>(_ =>
            {
                _requester.Tell((IReadOnlyList<string>)_found.ToList());
                Context.Stop(Self);
            });
        }
    }
}
