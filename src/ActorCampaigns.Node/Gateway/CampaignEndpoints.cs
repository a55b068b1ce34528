using System.Text.Json;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Actor;
using Akka.Hosting;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Node.Gateway;

/// <summary>The campaign endpoints of contract section 5: documents, lifecycle and status.</summary>
public static class CampaignEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan QueryFirstTry = TimeSpan.FromSeconds(5);

    /// <summary>The lifecycle commands that take nothing but the campaign: POST /api/campaigns/{id}/{verb}.</summary>
    private static readonly (string Verb, Func<CampaignId, ICampaignCommand> Command, string Summary)[] Lifecycle =
    [
        ("test", id => new StartTest(id, System.Diagnostics.Activity.Current?.Id), "Runs the canvas in test mode: counts only, nothing sent, no audience saved"),
        ("pause", id => new Pause(id), "Holds every activity of a live campaign at its next batch"),
        ("resume", id => new Resume(id), "Goes on with a paused or failed campaign"),
        ("stop", id => new Stop(id), "Ends a published campaign and its running executions for good"),
    ];

    private const string Document = "a campaign document (docs/reference/campaign-format.md), at most 1 MiB of text";

    public static void MapCampaignEndpoints(this WebApplication app)
    {
        // What a canvas may hold: each kind's type, group, summary, fields, ports and icon (the console's palette).
        app.MapGet("/api/activity-kinds", () => Results.Json(ActivityKinds.All.Select(k => k.Describe())))
            .WithTags("campaigns").WithSummary("Describes every kind of activity a canvas may hold (docs/reference/activities.md)");
        var campaigns = app.MapGroup("/api/campaigns").WithTags("campaigns");
        campaigns.MapPost("/", async (HttpRequest request, EngineServices services, CampaignIndex index, CampaignVersions versions, NodeOptions node,
            IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (document, problem) = await ReadDocumentAsync(request, services, cancel);
            return problem ?? await CreateAsync(region, index, document!, null, Version(versions, services, request, node), cancel);
        }).WithSummary("Creates a draft campaign from a campaign document").ReadsBody("application/json", Document)
            .Answers(StatusCodes.Status201Created, 400, 413);
        // Checks a document as creating it would, without creating anything (acctl campaign validate).
        campaigns.MapPost("/validate", async (HttpRequest request, EngineServices services, CancellationToken cancel) =>
        {
            var (document, problem) = await ReadDocumentAsync(request, services, cancel);
            return problem ?? Results.Ok(new { valid = true, name = document!.Name, activities = document.Activities.Count });
        }).WithSummary("Validates a campaign document without creating anything").ReadsBody("application/json", Document)
            .Answers(StatusCodes.Status200OK, 400, 413);
        campaigns.MapGet("/", async (CampaignIndex index, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
            Results.Ok((await CampaignSummaries.ListAsync(index, region, cancel)).Select(summary => new
            {
                id = summary.Id,
                name = summary.Name,
                status = summary.Status,
                schedule = summary.Schedule,
                lastExecution = summary.Latest is { } last
                    ? new { id = last.Id, mode = last.Mode, state = last.State, startedAt = last.StartedAt, profiles = last.Figures.Profiles, sent = last.Figures.Sent }
                    : null,
            }))).WithSummary("Lists the 500 newest campaigns with their latest execution");
        campaigns.MapPut("/{id}", async (string id, HttpRequest request, EngineServices services, CampaignIndex index, CampaignVersions versions, NodeOptions node,
            IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (document, problem) = await ReadDocumentAsync(request, services, cancel);
            if (problem is not null)
                return problem;
            // An edit is not a publish: where large publishes need an approval, a published campaign is not edited (it
            // could grow its audience past the threshold unseen); a copy is published instead.
            if (node.Approvals.AudienceThreshold is { } threshold && (await StateAsync(region, id, cancel)).Status is not (CampaignStatus.Draft or CampaignStatus.None))
                return Problems.Conflict($"campaign '{id}' is published and this node approves publishes above {threshold:N0} messages: " +
                    "an edit would skip that approval; duplicate the campaign, edit and publish the copy");
            // A replace accepted changes the name in the index and gets a version: a refused one (no such campaign) leaves nothing behind.
            return await AskAsync(region, new Replace(new CampaignId(id), document!), cancel, async accepted =>
            {
                await index.AddAsync(id, document!.Name, CancellationToken.None);
                await Version(versions, services, request, node)(id, document);
                return Accepted(accepted);
            });
        }).WithSummary("Replaces the document of a draft, or of a published recurring or signal campaign: executions running finish on the old one, the next takes it").ReadsBody("application/json", Document)
            .Answers(StatusCodes.Status200OK, 400, 404, 409, 413);
        campaigns.MapPost("/{id}/duplicate", async (string id, HttpRequest request, EngineServices services, CampaignIndex index, CampaignVersions versions,
            NodeOptions node, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var source = await StateAsync(region, id, cancel);
            return source.Document is null
                ? Problems.NotFound($"no campaign '{id}'")
                : await CreateAsync(region, index, (source.PendingDocument ?? source.Document) with { Name = $"{(source.PendingDocument ?? source.Document).Name} (copy)" }, source.Id,
                    Version(versions, services, request, node), cancel);
        }).WithSummary("Copies a campaign's document to a new draft").Answers(StatusCodes.Status201Created, 404);
        campaigns.MapPost("/{id}/trigger", async (string id, HttpRequest request, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var (variables, problem) = await ReadVariablesAsync(request, cancel);
            return problem ?? await AskAsync(region, new Trigger(new CampaignId(id), variables!, Trace: System.Diagnostics.Activity.Current?.Id), cancel, Accepted);
        }).WithSummary("Starts an execution of a published signal campaign, with variables")
            .ReadsBody("application/json", "{ \"variables\": { name: string | number | bool } } overriding variables the campaign declares; {} for none")
            .Answers(StatusCodes.Status200OK, 400, 404, 409);
        campaigns.MapGet("/{id}/transitions/{from}/{port}", async (string id, string from, string port, string? execution, int? limit,
            EngineServices services, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var state = await StateAsync(region, id, cancel);
            var run = execution is null ? state.Executions.FirstOrDefault() : state.Execution(new ExecutionId(execution));
            if (state.Document is null || run is null || state.Document.Activities.FirstOrDefault(a => a.Id == from) is not { } activity || !activity.OutputPorts.Contains(port))
                return Problems.NotFound($"no transition from '{from}' port '{port}' in an execution of campaign '{id}'");
            var population = new Data.Populations.PortPopulation(id, run.Id.Value, from, port);
            var ids = await services.Worktables.PreviewAsync(population, Math.Clamp(limit ?? 20, 1, 1_000), cancel);
            // A file's rows (those a reconciliation did not match among them) are read from what their load kept.
            var dimension = Dimensions.OutputOf(activity, port, Dimensions.InputsOf(state.Document));
            var load = activity is LoadFileActivity ? from
                : dimension == Dimension.FileRows ? state.Document.Transitions.FirstOrDefault(t => t.To == from)?.From : null;
            if (load is null && dimension == Dimension.FileRows)
                return Problems.NotFound($"'{from}' takes no file now: its unmatched rows cannot be read");
            if (load is not null)
                return Results.Ok(new
                {
                    execution = run.Id.Value,
                    from,
                    port,
                    count = await services.Worktables.CountAsync(population, cancel),
                    profiles = await LoadedRowsAsync(services, new Data.Files.ExecutionActivity(id, run.Id.Value, load), ids, cancel),
                });
            // An entity's rows (bookings: from their source, a change to them, a channel sending per row) are read from their own table.
            var entity = dimension.Entity;
            var store = entity is null ? services.Profiles : (await services.Entities.FindAsync(entity, cancel))?.Rows;
            if (store is null)
                return Problems.NotFound($"'{from}' picks rows of '{entity}', and this node has no such entity");
            var schema = await store.GetSchemaAsync(cancel);
            var rows = new List<Domain.Populations.ProfileBatch>();
            await foreach (var batch in store.ReadColumnsAsync(Once(ids.ToArray()), schema.Attributes.Skip(1).Select(a => a.Name).ToList(), cancel))
                rows.Add(batch);
            return Results.Ok(new
            {
                execution = run.Id.Value,
                from,
                port,
                count = await services.Worktables.CountAsync(population, cancel),
                profiles = rows.SelectMany(batch => Enumerable.Range(0, batch.Count).Select(row =>
                    batch.Columns.Prepend(new Domain.Populations.PopulationColumn("id", Domain.Expressions.ExprType.Int, batch.Ids.Cast<object?>().ToArray()))
                        .ToDictionary(c => c.Name, c => c.Values[row]))),
            });
        }).WithSummary("Previews the population that left an activity by a port").Answers(StatusCodes.Status200OK, 404);
        campaigns.MapGet("/{id}", async (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
        {
            var state = await StateAsync(region, id, cancel);
            return state.Status == CampaignStatus.None
                ? Problems.NotFound($"no campaign '{id}'")
                : Results.Json(new
                {
                    id, status = CampaignState.Name(state.Status), document = PublicFormat(state.Document),
                    // An edit of a published campaign waiting for its running executions to finish.
                    pendingDocument = state.PendingDocument is { } pending ? PublicFormat(pending) : null,
                });
        }).WithSummary("Gets a campaign's state and document").Answers(StatusCodes.Status200OK, 404);
        campaigns.MapGet("/{id}/status", async (string id, IRequiredActor<CampaignRegion> region, EngineServices services, CancellationToken cancel) =>
        {
            var state = await StateAsync(region, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            var quotas = services.Quotas.Count == 0 ? null : await services.QuotaCounter.WaitingAsync(id, TimeProvider.System.GetUtcNow(), cancel);
            return Results.Json(CampaignStatusView.Of(state, quotas));
        }).WithSummary("Gets a campaign's status: each execution with each activity's state and counts").Answers(StatusCodes.Status200OK, 404);
        campaigns.MapPublishEndpoints();
        campaigns.MapProofEndpoints();
        foreach (var (verb, command, summary) in Lifecycle)
        {
            campaigns.MapPost($"/{{id}}/{verb}", (string id, IRequiredActor<CampaignRegion> region, CancellationToken cancel) =>
                AskAsync(region, command(new CampaignId(id)), cancel, Accepted)).WithSummary(summary).Answers(StatusCodes.Status200OK, 400, 404, 409);
        }
    }

    /// <summary>A population of one batch (the profile store skips an empty one).</summary>
    internal static async IAsyncEnumerable<long[]> Once(long[] ids)
    {
        await Task.CompletedTask;
        yield return ids;
    }

    /// <summary>Keeps a document a campaign was given as its next version, by whoever gave it now.</summary>
    private static Func<string, CampaignDocument, Task> Version(CampaignVersions versions, EngineServices services, HttpRequest request, NodeOptions node) =>
        (campaign, document) => versions.AddAsync(campaign, services.Clock.GetUtcNow(), AuditTrail.ActorOf(request, node), CampaignFormat.Write(document),
            CancellationToken.None);

    private static async Task<IResult> CreateAsync(IRequiredActor<CampaignRegion> region, CampaignIndex index, CampaignDocument document,
        CampaignId? duplicatedFrom, Func<string, CampaignDocument, Task> version, CancellationToken cancel)
    {
        var id = new CampaignId($"c-{Guid.NewGuid():N}"[..14]);
        return await AskAsync(region, new Create(id, document, duplicatedFrom), cancel, async accepted =>
        {
            // The campaign exists now: it is listed (and its first version kept) even if the client has gone meanwhile.
            await index.AddAsync(id.Value, document.Name, CancellationToken.None);
            await version(id.Value, document);
            return Results.Created($"/api/campaigns/{id}", new { id = id.Value, status = CampaignState.Name(accepted.Status) });
        });
    }

    private static async Task<(IReadOnlyDictionary<string, VariableValue>? Variables, IResult? Problem)> ReadVariablesAsync(HttpRequest request, CancellationToken cancel)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, "trigger body", cancel);
        if (body is null)
            return (null, problem);
        using (body)
        {
            var variables = new Dictionary<string, VariableValue>();
            if (body.RootElement.ValueKind != JsonValueKind.Object)
                return (null, TriggerProblem("$", "must be an object { \"variables\": { name: string | number | bool } }"));
            if (body.RootElement.TryGetProperty("variables", out var given))
            {
                if (given.ValueKind != JsonValueKind.Object)
                    return (null, TriggerProblem("$.variables", "must be an object of name: string | number | bool"));
                foreach (var property in given.EnumerateObject())
                {
                    try
                    {
                        variables[property.Name] = JsonSerializer.Deserialize<VariableValue>(property.Value.GetRawText(), CampaignJson.Options)!;
                    }
                    catch (JsonException e)
                    {
                        return (null, TriggerProblem($"$.variables.{property.Name}", e.Message.Split(" Path:")[0]));
                    }
                }
            }
            return (variables, null);
        }
    }

    private static IResult TriggerProblem(string path, string message) =>
        Problems.Invalid("the trigger body must be { \"variables\": { name: string | number | bool } }", [new { path, message }]);

    private static IResult Accepted(CampaignReplies.Accepted accepted) =>
        Results.Ok(new { id = accepted.Id.Value, status = CampaignState.Name(accepted.Status), execution = accepted.Execution?.Value });

    private static async Task<(CampaignDocument? Document, IResult? Problem)> ReadDocumentAsync(HttpRequest request, EngineServices services, CancellationToken cancel)
    {
        // Four bytes can make a character: whatever could be a document within its limit is read, and no more.
        var (json, problem) = await JsonBody.ReadTextAsync(request, "campaign document", 4 * CampaignLimits.MaxDocumentCharacters, cancel);
        if (json is null)
            return (null, problem);
        var result = CampaignValidator.Validate(json, await services.Profiles.GetSchemaAsync(cancel), await services.Entities.SchemasAsync(cancel));
        return result.IsValid ? (result.Document, null) : (null, Problems.Validation(result.Errors));
    }

    /// <summary>
    /// A campaign's state, with the live counts of its running activities. A query that reached a campaign as it
    /// stopped (its journal failed, say) is lost with its mailbox: it is asked again, which starts the campaign anew.
    /// </summary>
    internal static async Task<CampaignState> StateAsync(IRequiredActor<CampaignRegion> region, string id, CancellationToken cancel)
    {
        var campaigns = await region.GetAsync(cancel);
        var query = new CampaignQueries.GetState(new CampaignId(id));
        try
        {
            return await campaigns.Ask<CampaignState>(query, QueryFirstTry, cancel);
        }
        catch (AskTimeoutException)
        {
            return await campaigns.Ask<CampaignState>(query, AskTimeout - QueryFirstTry, cancel);
        }
    }

    private static Task<IResult> AskAsync(IRequiredActor<CampaignRegion> region, ICampaignCommand command, CancellationToken cancel,
        Func<CampaignReplies.Accepted, IResult> onAccepted) =>
        AskAsync(region, command, cancel, accepted => Task.FromResult(onAccepted(accepted)));

    internal static async Task<IResult> AskAsync(IRequiredActor<CampaignRegion> region, ICampaignCommand command, CancellationToken cancel,
        Func<CampaignReplies.Accepted, Task<IResult>> onAccepted)
    {
        var reply = await (await region.GetAsync(cancel)).Ask<object>(command, AskTimeout, cancel);
        return reply switch
        {
            CampaignReplies.Accepted accepted => await onAccepted(accepted),
            CampaignReplies.Rejected rejected => Problems.Rejected(rejected),
            _ => Results.Problem($"unexpected reply {reply.GetType().Name}", statusCode: 500),
        };
    }

    /// <summary>A document as users write it (the public format, enrich columns as an object), not its records' shape.</summary>
    private static JsonElement? PublicFormat(CampaignDocument? document) =>
        document is null ? null : JsonDocument.Parse(CampaignFormat.Write(document)).RootElement.Clone();
    /// <summary>A loaded file's rows of these lines: the declared columns, and the line as <c>_line</c> (no column's name starts with '_').</summary>
    private static async Task<List<Dictionary<string, object?>>> LoadedRowsAsync(EngineServices services, Data.Files.ExecutionActivity load, IReadOnlyList<long> lines,
        CancellationToken cancel)
    {
        var wanted = lines.ToHashSet();
        var rows = new List<Dictionary<string, object?>>();
        await foreach (var page in services.Loaded.RowsAsync(load, Math.Max(1, lines.Count), cancel))
        {
            foreach (var row in page.Where(r => wanted.Contains(r.Line)))
            {
                var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(row.Values)!;
                values["_line"] = row.Line;
                rows.Add(values);
            }
            if (rows.Count == wanted.Count)
                break;
        }
        return rows;
    }
}
