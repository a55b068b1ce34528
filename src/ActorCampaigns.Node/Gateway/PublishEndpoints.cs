using System.Security.Cryptography;
using System.Text;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// Publishing with a confirmation: a live publish of a one-shot campaign (asap or once) first answers 409 with the
/// estimated messages per channel and a <c>confirmToken</c> bound to them; <c>POST …/publish?confirm=TOKEN</c> then
/// publishes, unless the figures changed since (a stale token: 409 again, with the new ones; a document replaced
/// between the check and the publish is refused by the campaign). Above <c>Approvals:AudienceThreshold</c> messages,
/// whatever the schedule, it also needs <c>POST …/approve?confirm=TOKEN</c> by another API key than the one that asked,
/// and is published by a key other than the approver's; the publish is logged with both keys' fingerprints.
/// Recurring and signal campaigns below the threshold publish at once.
/// </summary>
public static class PublishEndpoints
{
    /// <summary>The secret confirmation tokens are keyed with, the same on every member (kept in the database).</summary>
    public sealed record PublishKey(byte[] Secret);

    public static void MapPublishEndpoints(this RouteGroupBuilder campaigns)
    {
        campaigns.MapPost("/{id}/publish", async (string id, string? confirm, HttpRequest request, IRequiredActor<CampaignRegion> region, EngineServices services,
            PublishApprovals approvals, PublishKey key, ApprovalOptions node, CancellationToken cancel) =>
        {
            var state = await CampaignEndpoints.StateAsync(region, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            // Who publishes, for the log: a key's fingerprint, or nobody when the node asks for no key.
            var by = BearerKeys.Presented(request) is null ? null : ExperimentEndpoints.KeyOf(request);
            if (state.Status != CampaignStatus.Draft)
                return await PublishAsync(region, id, by, null, null, cancel);
            // Every publish of a draft names the document it was decided on: one replaced meanwhile (a recurring draft
            // turned asap, a larger audience) is refused by the campaign.
            var fingerprint = CampaignFormat.Fingerprint(state.Document!);
            var oneShot = state.Document!.Schedule is AsapSchedule or OnceSchedule;
            if (!oneShot && node.AudienceThreshold is null)
                return await PublishAsync(region, id, by, null, fingerprint, cancel);
            var estimate = await EstimateAsync(state.Document, id, services, cancel);
            var needsApproval = node.AudienceThreshold is { } threshold && estimate.Values.Sum() > threshold;
            if (!oneShot && !needsApproval)
                return await PublishAsync(region, id, by, null, fingerprint, cancel);
            var token = Token(key, id, state.Document, estimate);
            if (confirm != token)
            {
                if (needsApproval)
                    await approvals.RequestAsync(id, token, by!, services.Clock.GetUtcNow(), cancel);
                return Unconfirmed(confirm is null
                        ? $"publishing '{state.Document.Name}' sends about {estimate.Values.Sum():N0} messages: confirm with POST /api/campaigns/{id}/publish?confirm={token}"
                        : $"the figures changed since that confirmation (the audience, or the document): about {estimate.Values.Sum():N0} messages now; confirm again",
                    estimate, token, needsApproval, node);
            }
            if (!needsApproval)
                return await PublishAsync(region, id, by, null, fingerprint, cancel);
            var (_, approvedBy) = await approvals.OfAsync(id, token, cancel);
            if (approvedBy is null)
                return Unconfirmed($"about {estimate.Values.Sum():N0} messages is above this node's approval threshold ({node.AudienceThreshold:N0}): " +
                                   $"another API key must approve first, with POST /api/campaigns/{id}/approve?confirm={token}", estimate, token, true, node);
            return approvedBy == by
                ? Forbidden($"{by} approved this publish: another API key must publish it")
                : await PublishAsync(region, id, by, approvedBy, fingerprint, cancel);
        }).WithSummary("Publishes a draft: it becomes read-only and runs by its schedule; a one-shot campaign needs ?confirm= (and above the threshold an approval)")
            .Answers(StatusCodes.Status200OK, 400, 404, 409);

        campaigns.MapPost("/{id}/approve", async (string id, string? confirm, HttpRequest request, IRequiredActor<CampaignRegion> region, EngineServices services,
            PublishApprovals approvals, PublishKey key, ApprovalOptions node, CancellationToken cancel) =>
        {
            var state = await CampaignEndpoints.StateAsync(region, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            if (state.Status != CampaignStatus.Draft)
                return Conflict($"campaign '{id}' is {CampaignState.Name(state.Status)}: only a draft's publish is approved");
            var by = ExperimentEndpoints.KeyOf(request);
            if (BearerKeys.Presented(request) is null)
                return Conflict("approvals need API keys: this request presented none, so who approves cannot be told from who asked");
            var estimate = await EstimateAsync(state.Document!, id, services, cancel);
            var token = Token(key, id, state.Document!, estimate);
            if (node.AudienceThreshold is not { } threshold || estimate.Values.Sum() <= threshold)
                return Conflict($"campaign '{id}' sends about {estimate.Values.Sum():N0} messages, within this node's approval threshold: it needs no approval");
            if (confirm != token)
                return Unconfirmed("that confirmation is not the current one (the figures changed, or it was mistyped): approve the publish asked with the token below",
                    estimate, token, true, node);
            var (outcome, requestedBy) = await approvals.ApproveAsync(id, token, by, services.Clock.GetUtcNow(), cancel);
            return outcome switch
            {
                ApprovalOutcome.NotAsked => Conflict($"nobody asked to publish campaign '{id}' with these figures yet: POST /api/campaigns/{id}/publish first"),
                ApprovalOutcome.SameKey => Forbidden($"{by} asked for this publish: another API key must approve it"),
                _ => Results.Ok(new { id, confirmToken = token, requestedBy, approvedBy = by }),
            };
        }).WithSummary("Approves a publish above the node's approval threshold, by another API key than the one that asked")
            .Answers(StatusCodes.Status200OK, 403, 404, 409);
    }

    private static Task<IResult> PublishAsync(IRequiredActor<CampaignRegion> region, string id, string? by, string? approvedBy, string? confirmed,
        CancellationToken cancel) =>
        CampaignEndpoints.AskAsync(region, new CampaignCommands.Publish(new CampaignId(id), by, approvedBy, confirmed, System.Diagnostics.Activity.Current?.Id), cancel, accepted => Task.FromResult(Results.Ok(new
        {
            id = accepted.Id.Value, status = CampaignState.Name(accepted.Status), execution = accepted.Execution?.Value,
        })));

    private static IResult Forbidden(string what) => Problems.Forbidden(what, "who approves a publish and who asks for it or publishes it must be different API keys");

    private static IResult Conflict(string what) => Problems.Conflict(what);

    private static IResult Unconfirmed(string what, SortedDictionary<string, long> estimate, string token, bool needsApproval, ApprovalOptions node) =>
        Results.Problem(title: what, statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?>
        {
            ["errors"] = new[] { new { message = what } },
            ["estimate"] = estimate,
            ["messages"] = estimate.Values.Sum(),
            ["confirmToken"] = token,
            ["approvalRequired"] = needsApproval,
            ["approvalThreshold"] = node.AudienceThreshold,
        });

    /// <summary>
    /// The messages each channel would send, at most: for each channel activity, the profiles (or an entity's rows:
    /// one message each) its audiences (the build and read audiences upstream of it) hold now; splits, tests and
    /// exclusions on the way only lower it. A change of dimension upstream stands for what is before it: profiles
    /// changing to rows count as the rows its filter picks, rows changing to profiles as every profile at most.
    /// </summary>
    public static async Task<SortedDictionary<string, long>> EstimateAsync(CampaignDocument document, string campaign, EngineServices services, CancellationToken cancel)
    {
        var plan = new ExecutionPlan(document);
        var schema = await services.Profiles.GetSchemaAsync(cancel);
        var scope = plan.Scope(schema, document.Variables.ToDictionary(v => v.Key, v => v.Value.Type), new Dictionary<string, Bound>());
        var context = new EvaluationContext(services.Clock.GetUtcNow().UtcDateTime, document.Variables.ToDictionary(v => v.Key, v => (object?)v.Value.Value),
            new ExecutionScope(campaign, "estimate"));
        var saved = (await services.Audiences.ListAsync(cancel)).ToDictionary(a => a.Name, a => a.Size);
        var sizes = new Dictionary<string, long>();
        foreach (var activity in document.Activities)
        {
            sizes[activity.Id] = activity switch
            {
                IRowSource { Entity: null } source => await services.Profiles.CountAsync(Expression.CheckFilter(source.Filter, scope).Bound, context, cancel),
                // An entity's rows a channel may send one message each: those its filter picks now.
                IRowSource { Entity: { } entity } source => await EntityRowsAsync(services, entity, source.Filter, schema, document, context, cancel),
                ChangeDimensionActivity { To: not "profiles" } change => await EntityRowsAsync(services, change.To, change.Filter, schema, document, context, cancel),
                ChangeDimensionActivity => await services.Profiles.CountAsync(null, context, cancel),
                ReadAudienceActivity read => saved.GetValueOrDefault(read.Audience),
                // Rows matched to profiles: at most every profile, and at most the rows of an attached file (profiles
                // sharing a row's key count once); a file read when it runs, or an entity's rows, every profile.
                ReconciliationActivity { To: "profiles" } reconciliation => Math.Min(await services.Profiles.CountAsync(null, context, cancel),
                    await AttachedRowsAsync(document, campaign, reconciliation, services, cancel) ?? long.MaxValue),
                // Matched to another entity's rows, a key may match many of them (a guest's email, all their bookings): every row.
                ReconciliationActivity reconciliation => await EntityRowsAsync(services, reconciliation.To, "", schema, document, context, cancel),
                _ => 0,
            };
        }
        var estimate = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var channel in document.Activities.OfType<ChannelActivity>())
        {
            var name = ((IChannelKind)ActivityKinds.Of(channel)).Channel;
            estimate[name] = estimate.GetValueOrDefault(name) + Upstream(plan, channel.Id, []).Sum(a => sizes[a]);
        }
        return estimate;
    }

    /// <summary>How many rows of the entity the filter picks now (none when the entity is gone).</summary>
    private static async Task<long> EntityRowsAsync(EngineServices services, string name, string filter, ProfileSchema schema, CampaignDocument document,
        EvaluationContext context, CancellationToken cancel)
    {
        if (await services.Entities.FindAsync(name, cancel) is not { } entity)
            return 0;
        var scope = BindingScope.ForEntity(await entity.Rows.GetSchemaAsync(cancel), schema, document.Variables.ToDictionary(v => v.Key, v => v.Value.Type));
        return await entity.Rows.CountAsync(Expression.CheckFilter(filter, scope).Bound, context, cancel);
    }

    /// <summary>How many rows the file attached for the load feeding <paramref name="reconciliation"/> has (lines, less a CSV's header); null when it is read at run time or missing.</summary>
    private static async Task<long?> AttachedRowsAsync(CampaignDocument document, string campaign, ReconciliationActivity reconciliation, EngineServices services,
        CancellationToken cancel)
    {
        var feeding = document.Transitions.FirstOrDefault(t => t.To == reconciliation.Id)?.From;
        if (document.Activities.FirstOrDefault(a => a.Id == feeding) is not LoadFileActivity { File: { } name } load
            || await services.Files.OpenAsync(campaign, name, cancel) is not { } file)
            return null;
        await using (file)
        {
            var (lines, buffer, last) = (0L, new byte[1 << 16], (byte)'\n');
            int read;
            while ((read = await file.ReadAsync(buffer, cancel)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                last = buffer[read - 1];
            }
            lines += last == '\n' ? 0 : 1;
            return load.Format == FileFormat.Csv ? Math.Max(0, lines - 1) : lines;
        }
    }

    /// <summary>
    /// The activities whose figures add up to what reaches <paramref name="activity"/>: those upstream, up to the
    /// changes of dimension and the matched ports of reconciliations (which stand for what is before them); the rows a
    /// reconciliation did not match are counted by what is before it.
    /// </summary>
    private static HashSet<string> Upstream(ExecutionPlan plan, string activity, HashSet<string> counted, HashSet<string>? followed = null)
    {
        followed ??= [];
        foreach (var (from, port) in plan.InboundOf(activity))
        {
            var standsFor = plan.Document.Activities.First(a => a.Id == from) switch
            {
                ChangeDimensionActivity => true,
                ReconciliationActivity => port == ReconciliationActivity.Matched,
                _ => (bool?)null,
            };
            if (standsFor != false)
                counted.Add(from);
            if (standsFor != true && followed.Add(from))
                Upstream(plan, from, counted, followed);
        }
        return counted;
    }

    /// <summary>The confirmation of publishing <paramref name="document"/> as campaign <paramref name="id"/> with these figures.</summary>
    private static string Token(PublishKey key, string id, CampaignDocument document, SortedDictionary<string, long> estimate)
    {
        var text = $"{id}\n{CampaignFormat.Write(document)}\n{string.Join(",", estimate.Select(e => $"{e.Key}={e.Value}"))}";
        return Base64Url(HMACSHA256.HashData(key.Secret, Encoding.UTF8.GetBytes(text)))[..24];
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
