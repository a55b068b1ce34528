using System.Text.Json;
using ActorCampaigns.Node.Gateway;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Node.Operator;

/// <summary>Cluster membership as this node sees it, and the operator's membership commands (pbm's <c>cluster</c> palette).</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/cluster", (ActorSystem system) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var state = cluster.State;
            return Results.Ok(new
            {
                self = cluster.SelfAddress.ToString(),
                leader = state.Leader?.ToString(),
                members = state.Members.Select(m => new
                {
                    address = m.Address.ToString(),
                    status = m.Status.ToString(),
                    // The roles an operator gives; the one naming the member's database sessions is the node's own.
                    roles = m.Roles.Where(r => !r.StartsWith(ActorCampaigns.Engine.Hosting.DownedMembers.RolePrefix, StringComparison.Ordinal))
                        .Order(StringComparer.Ordinal).ToArray(),
                    reachable = !state.Unreachable.Contains(m),
                    leader = m.Address.Equals(state.Leader),
                    self = m.Address.Equals(cluster.SelfAddress),
                }),
                unreachable = state.Unreachable.Select(m => m.Address.ToString()),
            });
        });
        group.MapPost("/cluster/leave", (string? address, ActorSystem system) =>
            WithMember(system, address, member => Akka.Cluster.Cluster.Get(system).Leave(member), "leaving"));
        group.MapPost("/cluster/down", (string? address, ActorSystem system) => address is null
            ? Problems.Invalid("down needs the address of the member to down", [])
            : WithMember(system, address, member => Akka.Cluster.Cluster.Get(system).Down(member), "downed"));
        group.MapPost("/cluster/join", (string? address, ActorSystem system) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            if (ParseAddress(address, cluster.SelfAddress) is not { } target)
                return Problems.Invalid($"'{address}' is not a node address (akka.tcp://{cluster.SelfAddress.System}@host:port, or host:port)", []);
            cluster.Join(target);
            return Results.Accepted(value: new { address = target.ToString(), joining = true });
        });
        group.MapGet("/cluster/events", MembershipEventsAsync);
    }

    /// <summary>Runs <paramref name="command"/> on the member at <paramref name="address"/> (this node when none is given).</summary>
    private static IResult WithMember(ActorSystem system, string? address, Action<Address> command, string outcome)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var target = address is null ? cluster.SelfAddress : ParseAddress(address, cluster.SelfAddress);
        if (target is null)
            return Problems.Invalid($"'{address}' is not a node address (akka.tcp://{cluster.SelfAddress.System}@host:port, or host:port)", []);
        if (!cluster.State.Members.Any(m => m.Address.Equals(target)))
            return Problems.NotFound($"no member {target} in the cluster");
        command(target);
        return Results.Accepted(value: new { address = target.ToString(), status = outcome });
    }

    /// <summary>A full Akka address, or <c>host:port</c> taken as a node of this cluster's system and protocol.</summary>
    private static Address? ParseAddress(string? text, Address self)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return Address.Parse(text);
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException)
            {
                return null;
            }
        }
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], out var port) && port is > 0 and < 65536
            ? new Address(self.Protocol, self.System, text[..colon], port)
            : null;
    }

    /// <summary>Server-Sent Events of membership changes as this node sees them (the current members first), until the client leaves.</summary>
    private static async Task MembershipEventsAsync(HttpContext http, ActorSystem system, IMaterializer materializer, CancellationToken cancel)
    {
        await ServerSentEvents.BeginAsync(http.Response, cancel);
        var (subscriber, events) = Source.ActorRef<ClusterEvent.IClusterDomainEvent>(256, OverflowStrategy.DropHead).PreMaterialize(materializer);
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.Subscribe(subscriber, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
        await using var end = cancel.Register(() => subscriber.Tell(new Status.Success(NotUsed.Instance)));
        try
        {
            var changes = events
                .Select(Describe)
                .Where(change => change is not null)
                .Select(change => $"event: member\ndata: {JsonSerializer.Serialize(change)}\n\n");
            await ServerSentEvents.StreamAsync(http.Response, changes, materializer, cancel);
        }
        finally
        {
            cluster.Unsubscribe(subscriber);
        }
    }

    private static object? Describe(ClusterEvent.IClusterDomainEvent change)
    {
        var at = DateTimeOffset.UtcNow;
        return change switch
        {
            ClusterEvent.MemberStatusChange member => new
            {
                at, change = member switch
                {
                    ClusterEvent.MemberJoined => "joined",
                    ClusterEvent.MemberUp => "up",
                    ClusterEvent.MemberLeft => "left",
                    ClusterEvent.MemberExited => "exited",
                    ClusterEvent.MemberRemoved => "removed",
                    ClusterEvent.MemberWeaklyUp => "weakly-up",
                    _ => member.GetType().Name,
                },
                address = member.Member.Address.ToString(), status = member.Member.Status.ToString(),
            },
            ClusterEvent.UnreachableMember unreachable => new { at, change = "unreachable", address = unreachable.Member.Address.ToString(), status = unreachable.Member.Status.ToString() },
            ClusterEvent.ReachableMember reachable => new { at, change = "reachable", address = reachable.Member.Address.ToString(), status = reachable.Member.Status.ToString() },
            ClusterEvent.LeaderChanged leader => new { at, change = "leader", address = leader.Leader?.ToString() ?? "-", status = "" },
            _ => null,
        };
    }
}
