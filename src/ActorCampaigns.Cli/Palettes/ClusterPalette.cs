using ActorCampaigns.Cli.Output;

namespace ActorCampaigns.Cli.Palettes;

/// <summary><c>cluster</c>: membership as the node sees it, and changing it (pbm's cluster palette).</summary>
public static class ClusterPalette
{
    public static readonly Command[] Commands =
    [
        new("cluster show", "", "members, their status, roles and reachability; the leader", ShowAsync),
        new("cluster leader", "", "the leader's address", LeaderAsync),
        new("cluster unreachable", "", "members this node cannot reach", UnreachableAsync),
        new("cluster leave", "[addr]", "a member (this node if none given) leaves the cluster, handing its campaigns over", i => MembershipAsync(i, "leave")),
        new("cluster down", "<addr>", "marks a member down (it is gone for good); its campaigns move to the others", i => MembershipAsync(i, "down")),
        new("cluster join", "<addr>", "this node joins the cluster of the member at addr", i => MembershipAsync(i, "join")),
        new("cluster tail", "", "membership changes as they happen, until Ctrl+C", TailAsync),
    ];

    private static async Task ShowAsync(Invocation call)
    {
        var cluster = await call.Node.GetAsync("/operator/cluster", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, cluster);
            return;
        }
        var table = new Table("ADDRESS", "STATUS", "ROLES", "REACHABLE", "");
        foreach (var member in cluster.Items("members"))
        {
            var notes = new[] { member.GetProperty("leader").GetBoolean() ? "leader" : null, member.GetProperty("self").GetBoolean() ? "this node" : null };
            table.Add(member.Text("address"), member.Text("status"), Roles(member),
                member.GetProperty("reachable").GetBoolean(), string.Join(", ", notes.OfType<string>()));
        }
        table.WriteTo(call.Out);
    }

    /// <summary>A one-node cluster's member has no roles: it does everything.</summary>
    private static string Roles(System.Text.Json.JsonElement member) =>
        member.Items("roles").Any() ? string.Join(',', member.Items("roles").Select(r => r.GetString())) : "-";

    private static async Task LeaderAsync(Invocation call)
    {
        var cluster = await call.Node.GetAsync("/operator/cluster", call.Cancel);
        if (call.Json)
            Json.Write(call.Out, cluster.GetProperty("leader"));
        else
            call.Out.WriteLine(cluster.Text("leader") ?? throw new CommandFailure("the cluster has no leader yet (no member is up)"));
    }

    private static async Task UnreachableAsync(Invocation call)
    {
        var cluster = await call.Node.GetAsync("/operator/cluster", call.Cancel);
        if (call.Json)
        {
            Json.Write(call.Out, cluster.GetProperty("unreachable"));
            return;
        }
        var unreachable = cluster.Items("unreachable").Select(u => u.GetString()).ToList();
        if (unreachable.Count == 0)
            call.Out.WriteLine("every member is reachable");
        foreach (var address in unreachable)
            call.Out.WriteLine(address);
    }

    private static async Task MembershipAsync(Invocation call, string verb)
    {
        var address = call.Argument(0);
        var query = address is null ? "" : $"?address={Uri.EscapeDataString(address)}";
        var answer = await call.Node.PostAsync($"/operator/cluster/{verb}{query}", call.Cancel);
        if (call.Json)
            Json.Write(call.Out, answer);
        else
            call.Out.WriteLine($"{answer.Text("address")}: {verb switch { "leave" => "leaving", "down" => "marked down", _ => "joining" }}");
    }

    private static async Task TailAsync(Invocation call)
    {
        try
        {
            await foreach (var change in call.Node.EventsAsync("/operator/cluster/events", call.Cancel))
            {
                if (call.Json)
                    call.Out.WriteLine(change.GetRawText());
                else
                    call.Out.WriteLine($"{change.Text("at")}  {change.Text("change"),-11}  {change.Text("address") ?? "-"}  {change.Text("status")}".TrimEnd());
                await call.Out.FlushAsync(call.Cancel);
            }
        }
        catch (OperationCanceledException) when (call.Cancel.IsCancellationRequested)
        {
            // Ctrl+C: the tail ends, and that is success.
        }
    }
}
