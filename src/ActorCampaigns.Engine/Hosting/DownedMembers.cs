using ActorCampaigns.Data;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorCampaigns.Engine.Hosting;

/// <summary>
/// Ends the database sessions of every member the cluster downs (crashed, frozen, cut off), once it is removed: a
/// member frozen in the middle of a transaction (SIGSTOP, a paused VM) keeps its session open and its row locks held for
/// as long as it stays frozen, and whoever takes its work over (a campaign moving, a partition assigned again) would
/// wait on them. A member's sessions carry a name new at each start of its process (<see cref="PostgresDatabase.ForMember"/>),
/// which it also carries as a cluster role (<see cref="RolePrefix"/>): a member restarted on the same address is another
/// incarnation, and keeps its sessions. The server rolls back what the ended sessions had not committed. A member that
/// leaves the orderly way is removed as Exiting, not Down, and is left alone. One per node: every survivor ends the
/// same sessions, which is harmless.
/// </summary>
public sealed class DownedMembers : ReceiveActor
{
    /// <summary>The role that names a member's database sessions: this prefix and the sessions' name.</summary>
    public const string RolePrefix = "sessions-";

    private sealed record Ended(string Member, int Sessions);

    public DownedMembers(Database database)
    {
        var log = Context.GetLogger();
        Receive<ClusterEvent.MemberRemoved>(removed => removed.PreviousStatus == MemberStatus.Down, removed =>
        {
            var member = removed.Member.Address.ToString();
            if (removed.Member.Roles.FirstOrDefault(r => r.StartsWith(RolePrefix, StringComparison.Ordinal)) is not { } role)
                return;
            database.EndSessionsOfAsync(role[RolePrefix.Length..], CancellationToken.None).PipeTo(Self, success: sessions => new Ended(member, sessions),
                failure: e => new Status.Failure(e));
        });
        Receive<Ended>(ended => log.Warning("{0} was downed: {1} of its database sessions ended", ended.Member, ended.Sessions));
        Receive<Status.Failure>(failed => log.Warning(failed.Cause, "ending the database sessions of a downed member failed"));
        ReceiveAny(_ => { });
    }

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
        typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    public static Props Props(Database database) => Akka.Actor.Props.Create(() => new DownedMembers(database));
}
