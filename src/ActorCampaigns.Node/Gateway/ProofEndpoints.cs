using System.Text.Json;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Templates;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using Akka.Hosting;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// <c>POST /api/campaigns/{id}/proofs</c>: each channel activity's message rendered for chosen profiles (or the first
/// ones of its population in the latest test run) and sent to seed addresses through the channel's real provider,
/// its subject (or title, or text) starting <c>[Proof]</c>, links as written. Proofs are kept apart
/// (<see cref="ProofLog"/>): never counted as sends.
/// </summary>
public static class ProofEndpoints
{
    public const int MaxProfiles = 20;

    public const int MaxSeeds = 10;

    private const int MaxAddress = 320;

    private const string Body = "{ \"seeds\": { \"email\": [\"qa@example.com\"], \"sms\": [\"+33612345678\"] }, \"profiles\": [1, 2] } or \"first\": 3";

    private sealed record Request(IReadOnlyDictionary<string, IReadOnlyList<string>> Seeds, IReadOnlyList<long>? Profiles, int First);

    /// <summary>Proofs a request may send at most: activities × profiles × seeds.</summary>
    public const int MaxMessages = 50;

    /// <summary>Whether an address is one of the node's seeds: listed, or in a listed <c>@domain</c>.</summary>
    private static bool Allowed(ProofOptions options, string address) => options.Seeds.Any(seed =>
        seed.StartsWith('@') ? address.EndsWith(seed, StringComparison.OrdinalIgnoreCase) : string.Equals(seed, address, StringComparison.OrdinalIgnoreCase));

    public static void MapProofEndpoints(this RouteGroupBuilder campaigns) =>
        campaigns.MapPost("/{id}/proofs", async (string id, HttpRequest request, IRequiredActor<CampaignRegion> region, EngineServices services, ProofLog log,
            ProofOptions options, CancellationToken cancel) =>
        {
            var (body, unreadable) = await JsonBody.ReadAsync(request, "proofs request", cancel);
            if (body is null)
                return unreadable!;
            Request asked;
            using (body)
            {
                var (parsed, problem) = Read(body.RootElement);
                if (problem is not null)
                    return problem;
                asked = parsed!;
            }
            var state = await CampaignEndpoints.StateAsync(region, id, cancel);
            if (state.Status == CampaignStatus.None)
                return Problems.NotFound($"no campaign '{id}'");
            var document = state.Document!;
            var channels = document.Activities.OfType<ChannelActivity>().Where(c => asked.Seeds.ContainsKey(Channel(c))).ToList();
            if (channels.Count == 0)
                return Invalid("$.seeds", $"no seed address for a channel of this campaign ({string.Join(", ", document.Activities.OfType<ChannelActivity>().Select(Channel).Distinct())})");
            var total = channels.Sum(c => asked.Seeds[Channel(c)].Count) * (asked.Profiles?.Count ?? asked.First);
            if (total > MaxMessages)
                return Invalid("$", $"that is {total} proofs ({channels.Count} channel activities × profiles × seeds): at most {MaxMessages} a request");
            if (options.Seeds.Count > 0 && asked.Seeds.SelectMany(s => s.Value).FirstOrDefault(a => !Allowed(options, a)) is { } stranger)
                return Invalid("$.seeds", $"'{stranger}' is not among this node's seed addresses (ActorCampaigns:Proofs:Seeds)");
            var test = state.Executions.FirstOrDefault(e => e.Mode == ExecutionMode.Test);
            if (asked.Profiles is null && test is null)
                return Problems.Conflict($"campaign '{id}' has no test run to take the first profiles from: run it in test mode, or name \"profiles\"");
            var schema = await services.Profiles.GetSchemaAsync(cancel);
            var plan = new ExecutionPlan(document);
            var proofs = new List<Proof>();
            if (asked.Profiles is not null)
            {
                var existing = await services.Profiles.ExistingAsync(asked.Profiles.Distinct().ToList(), cancel);
                var missing = asked.Profiles.Where(p => !existing.Contains(p)).Take(5).ToList();
                if (missing.Count > 0)
                    return Invalid("$.profiles", $"no profile {string.Join(", ", missing)}");
            }
            // A channel sending one message per entity row renders its proofs for the first rows of the test run.
            if (asked.Profiles is not null && channels.FirstOrDefault(c => plan.InputOf(c.Id).Entity is not null) is { } perRow)
                return Invalid("$.profiles", $"'{perRow.Id}' sends one message per row of {plan.InputOf(perRow.Id).Entity}: its proofs are rendered for the first rows " +
                    "of the test run (leave out \"profiles\")");
            foreach (var channel in channels)
            {
                var ids = asked.Profiles ?? await FirstAsync(services.Worktables, plan, id, test!.Id.Value, channel.Id, asked.First, cancel);
                var batch = plan.InputOf(channel.Id).Entity is { } entity
                    ? await ReadRowsAsync(services, channel, entity, ids, cancel)
                    : await ReadAsync(services, schema, channel, ids, cancel);
                // Once sending has begun it finishes and is recorded, the client gone or not; a provider that throws
                // fails this activity's proofs, not the others'.
                var sent = await SendAsync(services, id, document, channel, batch, asked.Seeds[Channel(channel)], CancellationToken.None);
                await log.RecordAsync(sent, CancellationToken.None);
                proofs.AddRange(sent);
            }
            return Results.Ok(new
            {
                id,
                proofs = proofs.Select(p => new { activity = p.Activity, profile = p.Profile, to = p.To, messageId = p.MessageId, failure = p.Failure }),
            });
        }).WithSummary("Sends each channel activity's message, rendered for chosen profiles, to seed addresses, subject prefixed [Proof]; never counted")
            .ReadsBody("application/json", Body).Answers(StatusCodes.Status200OK, 400, 404, 409, 413);

    private static string Channel(ChannelActivity channel) => ((IChannelKind)ActivityKinds.Of(channel)).Channel;

    /// <summary>The first <paramref name="count"/> profiles that reached the activity in the test run.</summary>
    private static async Task<IReadOnlyList<long>> FirstAsync(Worktables worktables, ExecutionPlan plan, string campaign, string execution, string activity, int count,
        CancellationToken cancel)
    {
        var ids = new SortedSet<long>();
        foreach (var (from, port) in plan.InboundOf(activity))
        {
            await foreach (var (_, batch) in worktables.ReadBatchesAsync(new PortPopulation(campaign, execution, from, port), long.MinValue, cancel))
            {
                ids.UnionWith(batch);
                if (ids.Count >= count)
                    break;
            }
        }
        return ids.Take(count).ToList();
    }

    /// <summary>The profiles with the attributes the activity's templates name (enrich columns are not computed for proofs).</summary>
    private static async Task<ProfileBatch> ReadAsync(EngineServices services, ProfileSchema schema, ChannelActivity channel, IReadOnlyList<long> ids, CancellationToken cancel)
    {
        var kind = (IChannelKind)ActivityKinds.Of(channel);
        var named = TemplateNames.Roots(channel.Templates.Select(t => t.Template)).Where(n => schema.Find(n) is not null).Append(kind.Address).Distinct().ToList();
        var rows = new List<ProfileBatch>();
        await foreach (var batch in services.Profiles.ReadColumnsAsync(CampaignEndpoints.Once(ids.Distinct().Order().ToArray()), named, cancel))
            rows.Add(batch);
        return rows.Count == 1 ? rows[0] : new ProfileBatch([], []);
    }

    /// <summary>An entity's rows with their profile's attributes and their own columns the templates name (<see cref="EntityRecipients"/>).</summary>
    private static async Task<ProfileBatch> ReadRowsAsync(EngineServices services, ChannelActivity channel, string name, IReadOnlyList<long> ids, CancellationToken cancel)
    {
        if (await services.Entities.FindAsync(name, cancel) is not { } entity)
            return new ProfileBatch([], []);
        var schema = await services.Profiles.GetSchemaAsync(cancel);
        var kind = (IChannelKind)ActivityKinds.Of(channel);
        var templates = channel.Templates.Select(t => t.Template).ToList();
        var named = TemplateNames.Roots(templates).Where(n => n != EntityRecipients.Row && schema.Find(n) is not null).Append(kind.Address).Distinct().ToList();
        var rows = new List<ProfileBatch>();
        await foreach (var batch in EntityRecipients.ReadAsync(services.Profiles, entity, CampaignEndpoints.Once(ids.Distinct().Order().ToArray()), named,
            TemplateNames.Members(templates, EntityRecipients.Row), cancel))
            rows.Add(batch);
        return rows.Count == 1 ? rows[0] : new ProfileBatch([], []);
    }

    /// <summary>The profile a proof is rendered for: the row's, for an entity's rows.</summary>
    private static long ProfileOf(ProfileBatch batch, int row) =>
        batch.Column(EntityRecipients.Profile) is { } profiles ? profiles.Values[row] as long? ?? 0 : batch.Ids[row];

    private static async Task<IReadOnlyList<Proof>> SendAsync(EngineServices services, string campaign, CampaignDocument document, ChannelActivity channel,
        ProfileBatch batch, IReadOnlyList<string> seeds, CancellationToken cancel)
    {
        var name = Channel(channel);
        var templates = new Channels.Templates.MessageTemplates(channel, document.Name, document.Variables.ToDictionary(v => v.Key, v => (object?)v.Value.Value),
            services.Rendering);
        var messages = new List<OutboundMessage>();
        var failed = new List<Proof>();
        var now = services.Clock.GetUtcNow();
        for (var row = 0; row < batch.Count; row++)
        {
            var (content, error) = templates.Render(batch, row, cancel);
            foreach (var seed in seeds)
            {
                var messageId = $"proof-{Guid.NewGuid():N}";
                if (content is null)
                    failed.Add(new Proof(campaign, channel.Id, ProfileOf(batch, row), seed, messageId, $"renderError: {error}", now));
                else
                    messages.Add(new OutboundMessage(messageId, campaign, "proof", channel.Id, ProfileOf(batch, row), seed, Marked(content)));
            }
        }
        var sender = services.Senders?.GetValueOrDefault(name) ?? services.Outbox.For(name);
        try
        {
            var results = messages.Count == 0 ? [] : await sender.SendAsync(messages, cancel);
            return [.. results.Select(r => new Proof(campaign, channel.Id, r.Message.ProfileId, r.Message.To, r.Message.MessageId, r.Failure, now)), .. failed];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [.. messages.Select(m => new Proof(campaign, channel.Id, m.ProfileId, m.To, m.MessageId, $"the provider failed: {e.Message}", now)), .. failed];
        }
    }

    /// <summary>The content with its subject (else title, else text) starting <c>[Proof] </c>.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Marked(IReadOnlyList<KeyValuePair<string, string>> content)
    {
        var field = new[] { "subject", "title", "text" }.FirstOrDefault(f => content.Any(c => c.Key == f));
        return content.Select(c => c.Key == field ? KeyValuePair.Create(c.Key, $"[Proof] {c.Value}") : c).ToList();
    }

    private static (Request? Request, IResult? Problem) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            return (null, Invalid("$", $"the body must be an object such as {Body}"));
        if (!body.TryGetProperty("seeds", out var seedsElement) || seedsElement.ValueKind != JsonValueKind.Object)
            return (null, Invalid("$.seeds", "seeds is required: an object of addresses by channel, such as { \"email\": [\"qa@example.com\"] }"));
        var seeds = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var channel in seedsElement.EnumerateObject())
        {
            var path = $"$.seeds.{channel.Name}";
            if (channel.Name is not ("email" or "sms" or "push"))
                return (null, Invalid(path, $"'{(channel.Name.Length > 40 ? channel.Name[..40] + "…" : channel.Name)}' is not a channel (email, sms, push)"));
            if (channel.Value.ValueKind != JsonValueKind.Array || channel.Value.GetArrayLength() is 0 or > MaxSeeds)
                return (null, Invalid(path, $"must be an array of 1 to {MaxSeeds} addresses"));
            var addresses = new List<string>();
            foreach (var (address, i) in channel.Value.EnumerateArray().Select((a, i) => (a, i)))
            {
                if (address.ValueKind != JsonValueKind.String || address.GetString() is not { Length: > 0 and <= MaxAddress } text || text.Any(char.IsControl)
                    || (channel.Name == "email" && !text.Contains('@')))
                    return (null, Invalid($"{path}[{i}]", $"must be an address of 1 to {MaxAddress} characters without control characters{(channel.Name == "email" ? ", with an @" : "")}"));
                addresses.Add(text);
            }
            seeds[channel.Name] = addresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        IReadOnlyList<long>? profiles = null;
        if (body.TryGetProperty("profiles", out var named))
        {
            if (named.ValueKind != JsonValueKind.Array || named.GetArrayLength() is 0 or > MaxProfiles
                || named.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.Number || !p.TryGetInt64(out _)))
                return (null, Invalid("$.profiles", $"must be an array of 1 to {MaxProfiles} profile ids"));
            profiles = named.EnumerateArray().Select(p => p.GetInt64()).ToList();
        }
        var first = 1;
        if (body.TryGetProperty("first", out var firstElement))
        {
            if (profiles is not null)
                return (null, Invalid("$.first", "give profiles or first, not both"));
            if (firstElement.ValueKind != JsonValueKind.Number || !firstElement.TryGetInt32(out first) || first is < 1 or > MaxProfiles)
                return (null, Invalid("$.first", $"must be a whole number from 1 to {MaxProfiles}"));
        }
        var unknown = body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("seeds" or "profiles" or "first"));
        return unknown is not null ? (null, Invalid($"$.{(unknown.Length > 40 ? unknown[..40] : unknown)}", "unknown field")) : (new Request(seeds, profiles, first), null);
    }

    private static IResult Invalid(string path, string message) => Problems.Invalid("the proofs request cannot be read", [new { path, message }]);
}
