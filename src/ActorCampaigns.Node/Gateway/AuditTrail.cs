using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ActorCampaigns.Data.Audit;
using Microsoft.AspNetCore.WebUtilities;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// Every command given to the node, written to the audit log once it is answered, refused ones included: campaigns
/// created, updated, published, approved, tested, paused, resumed, stopped, duplicated, triggered, a winner forced, proofs
/// sent, files attached, profiles, events and an entity's rows imported, members told to leave, be downed or join. Who gave it is the id
/// of the key presented (<c>api:3fa2c9d1e0b4</c>, <c>operator:…</c>: the first 12 hex digits of its SHA-256, never the
/// key), or <c>anonymous</c> with the address it came from; a key the node does not hold is <c>unknown:…</c>.
/// </summary>
public static partial class AuditTrail
{
    /// <summary>Each command by method and path (its groups: the campaign <c>id</c>, a <c>name</c>, the <c>verb</c>).</summary>
    private static readonly (string Method, Regex Path, Func<Match, HttpRequest, (string Command, string? Target)> Read)[] Commands =
    [
        ("POST", Campaigns(), (_, _) => ("create", null)),
        ("PUT", Campaign(), (m, _) => ("update", m.Groups["id"].Value)),
        ("POST", CampaignVerb(), (m, _) => (m.Groups["verb"].Value.ToLowerInvariant(), m.Groups["id"].Value)),
        ("POST", Winner(), (m, _) => ("force winner", $"{m.Groups["id"].Value}/{m.Groups["activity"].Value}")),
        ("PUT", CampaignFile(), (m, _) => ("attach file", $"{m.Groups["id"].Value}/{m.Groups["name"].Value}")),
        ("POST", Proofs(), (m, _) => ("send proofs", m.Groups["id"].Value)),
        ("POST", ProfilesImport(), (_, _) => ("import profiles", null)),
        ("POST", EventsImport(), (_, _) => ("import events", null)),
        ("POST", EntityImport(), (m, _) => ("import entity", m.Groups["name"].Value)),
        ("POST", ClusterCommand(), (m, request) => (m.Groups["verb"].Value.ToLowerInvariant(), request.Query["address"].ToString() is { Length: > 0 } address ? address : "this node")),
    ];

    [GeneratedRegex("^/api/campaigns/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Campaigns();

    [GeneratedRegex("^/api/campaigns/(?<id>[^/]+)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Campaign();

    [GeneratedRegex("^/api/campaigns/(?<id>[^/]+)/(?<verb>publish|approve|test|pause|resume|stop|duplicate|trigger)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CampaignVerb();

    [GeneratedRegex("^/api/campaigns/(?<id>[^/]+)/experiments/(?<activity>[^/]+)/winner/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Winner();

    [GeneratedRegex("^/api/campaigns/(?<id>[^/]+)/files/(?<name>[^/]+)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CampaignFile();

    [GeneratedRegex("^/api/campaigns/(?<id>[^/]+)/proofs/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Proofs();

    [GeneratedRegex("^/api/events/import/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EventsImport();

    [GeneratedRegex("^/api/profiles/import/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProfilesImport();

    [GeneratedRegex("^/api/entities/(?<name>[^/]+)/import/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EntityImport();

    [GeneratedRegex("^/operator/cluster/(?<verb>leave|down|join)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClusterCommand();

    /// <summary>
    /// Writes each command once it is answered (first of all middleware, so a refusal by key is written too), after the
    /// response has gone: the audit never slows a command nor turns it into a failure.
    /// </summary>
    public static void UseAudit(this WebApplication app, NodeOptions node, AuditLog audit, TimeProvider clock)
    {
        var logger = app.Services.GetRequiredService<ILogger<AuditLog>>();
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var path = request.Path.Value ?? "";
            var command = Commands.Where(c => string.Equals(c.Method, request.Method, StringComparison.OrdinalIgnoreCase))
                .Select(c => (c.Read, Match: c.Path.Match(path))).FirstOrDefault(c => c.Match.Success);
            if (command.Match is not null)
            {
                var (name, target) = command.Read(command.Match, request);
                var (actor, at) = (ActorOf(request, node), clock.GetUtcNow());
                context.Response.OnCompleted(async () =>
                {
                    // A campaign created is named by where it now is.
                    target ??= context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location.Split('/')[^1] : null;
                    var status = context.Response.StatusCode;
                    try
                    {
                        await audit.AppendAsync(at, actor, name, Clean(target), status,
                            ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason : "unknown", CancellationToken.None);
                    }
                    catch (Exception e)
                    {
                        logger.LogError(e, "the audit log could not record {Command} on {Target} ({Status})", name, target, status);
                    }
                });
            }
            await next(context);
        });
    }

    /// <summary>A target as written: no control characters (it is printed on terminals), at most 200 characters.</summary>
    private static string? Clean(string? target) =>
        target is null ? null : new string(target.Where(c => !char.IsControl(c)).Take(200).ToArray());

    /// <summary>Who gave the command: the id of the key presented, or anonymous and where from (what versions name too).</summary>
    public static string ActorOf(HttpRequest request, NodeOptions node)
    {
        if (BearerKeys.Presented(request) is not { Length: > 0 } key)
            return $"anonymous ({request.HttpContext.Connection.RemoteIpAddress})";
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
        return node.OperatorKeys.Contains(key) ? $"operator:{id}" : node.ApiKeys.Contains(key) ? $"api:{id}" : $"unknown:{id}";
    }

    /// <summary><c>GET /api/audit?after=ID&amp;limit=N</c> (oldest first, from after an id) or <c>?last=N</c>; guarded as /operator is.</summary>
    public static void MapAuditEndpoints(this WebApplication app) =>
        app.MapGet("/api/audit", async (long? after, int? limit, int? last, AuditLog audit, CancellationToken cancel) =>
        {
            var entries = after is null && last is not null
                ? await audit.LastAsync(last.Value, cancel)
                : await audit.AfterAsync(after ?? 0, limit ?? 100, cancel);
            return Results.Ok(entries.Select(e => new
            {
                id = e.Id, at = e.At, actor = e.Actor, command = e.Command, target = e.Target, status = e.Status, outcome = e.Outcome,
            }));
        }).WithTags("audit").WithSummary("The commands given to the cluster, who gave them and how they ended, oldest first (?after=ID&limit=N, or ?last=N)")
            .Answers(StatusCodes.Status200OK);
}
