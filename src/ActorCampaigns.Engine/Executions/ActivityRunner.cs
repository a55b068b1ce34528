using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Activities.Combine;
using ActorCampaigns.Engine.Activities.Deduplicate;
using ActorCampaigns.Engine.Activities.Split;
using ActorCampaigns.Engine.Activities.Test;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Runs one activity of one execution: reads its inbound populations from the worktables, applies its operation,
/// writes each output port back, and returns its counts. Deterministic, so a re-run after a crash writes the same
/// batches, which the worktables and the ledger keep once.
/// </summary>
public sealed class ActivityRunner(EngineServices services)
{
    private const string Out = Transition.DefaultPort;

    /// <returns>The activity's counts, or, for a wait not over yet, when it will be.</returns>
    public async Task<ActivityOutcome> RunAsync(ActivityRun run, CancellationToken cancellationToken = default)
    {
        if (run.Activity is Wait wait && WaitsUntil(wait, run) is var until && until > services.Clock.GetUtcNow().UtcDateTime)
            return new ActivityOutcome.Waiting(until);
        var output = new PortOutput(services.Worktables, run, services.BatchSize);
        long input = 0;
        foreach (var (activity, port) in run.Inbound)
            input += await services.Worktables.CountAsync(Inbound(run, activity, port), cancellationToken);
        var excluded = new Dictionary<string, long>();
        switch (run.Activity)
        {
            case ReadAudience read:
                if (!await services.Audiences.ExistsAsync(read.Audience, cancellationToken))
                    throw new InvalidOperationException($"no audience '{read.Audience}': save it with a saveAudience activity first");
                await foreach (var ids in services.Audiences.ReadAsync(read.Audience, cancellationToken))
                    await output.WriteAsync(Out, ids, cancellationToken);
                break;
            case SaveAudience when run.Mode == ExecutionMode.Test:
                break;
            case SaveAudience save:
                await services.Audiences.ReplaceAsync(save.Audience, Union(run, run.Inbound, cancellationToken), cancellationToken);
                await CopyAsync(run, run.Inbound, output, Out, cancellationToken);
                break;
            case BuildAudience build:
                var filter = await BindAsync(build.Filter, run, cancellationToken);
                await foreach (var batch in services.Profiles.StreamAsync(new ProfileQuery(filter, run.Context, [], services.BatchSize), cancellationToken))
                    await output.WriteAsync(Out, batch.Ids, cancellationToken);
                break;
            case Combine combine:
                var inbound = run.Inbound.Select(i => new Inbound(i.Activity, services.Worktables.ReadAsync(Inbound(run, i.Activity, i.Port), cancellationToken: cancellationToken))).ToList();
                await foreach (var (port, ids) in CombineOperation.RunAsync(combine, inbound, services.BatchSize, cancellationToken))
                    await output.WriteAsync(port, ids, cancellationToken);
                break;
            case Deduplicate dedup:
                var unique = await LoadAsync(run, dedup.Keys.Append(dedup.By).Distinct().ToList(), cancellationToken);
                await WritePortsAsync(output, DeduplicateOperation.Run(dedup, unique, run.Execution.Value), cancellationToken);
                break;
            case Split split:
                var filters = new List<Bound?>();
                foreach (var subset in split.Subsets)
                    filters.Add(subset.Filter is null ? null : await BindAsync(subset.Filter, run, cancellationToken));
                var orderColumns = split.Subsets.Where(s => s.Order is not (null or "random")).Select(s => s.Order!.Split(' ')[0]);
                var population = await LoadAsync(run, filters.SelectMany(BoundColumns.Of).Concat(orderColumns).Distinct().ToList(), cancellationToken);
                await WritePortsAsync(output, SplitOperation.Run(split, filters, population, run.Context, run.Execution.Value), cancellationToken);
                break;
            case Test test:
                var scope = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, run.Variables);
                var conditions = test.Conditions.Select(c => Expression.CheckFilter(c.When, scope).Bound ?? new BoundLiteral(ExprType.Bool, false)).ToList();
                await CopyAsync(run, run.Inbound, output, TestOperation.PortFor(test, conditions, input, run.Context), cancellationToken);
                break;
            case Fork or Wait:
                await CopyAsync(run, run.Inbound, output, Out, cancellationToken);
                break;
            case AndJoin join:
                await CopyAsync(run, run.Inbound.Where(i => i.Activity == join.Primary).ToList(), output, Out, cancellationToken);
                break;
            case End:
                break;
            case ChannelActivity when run.Mode == ExecutionMode.Test:
                break;
            case ChannelActivity channel:
                await SendAsync(run, channel, output, excluded, cancellationToken);
                break;
            default:
                throw new NotSupportedException($"activity type {run.Activity.GetType().Name} ('{run.Activity.Id}') does not run yet");
        }
        return new ActivityOutcome.Done(new ActivityCounts(input, output.Counts, excluded, 0));
    }

    /// <summary>A wait holds its population until its instant, or for its duration after what feeds it completed.</summary>
    private static DateTime WaitsUntil(Wait wait, ActivityRun run) =>
        wait.Until ?? run.InboundCompletedAt + (Domain.Time.IsoDuration.TryParse(wait.Duration!, out var duration, out _) ? duration : TimeSpan.Zero);

    private PortPopulation Inbound(ActivityRun run, string activity, string port) => new(run.Campaign.Value, run.Execution.Value, activity, port);

    /// <summary>All inbound populations as one, in id order (a profile arriving by two transitions counts once).</summary>
    private IAsyncEnumerable<long[]> Union(ActivityRun run, IReadOnlyList<(string Activity, string Port)> ports, CancellationToken cancellationToken)
    {
        var sources = ports.Select(i => services.Worktables.ReadAsync(Inbound(run, i.Activity, i.Port), cancellationToken: cancellationToken)).ToList();
        return sources.Count == 1 ? sources[0] : Merged(sources, cancellationToken);
    }

    private async IAsyncEnumerable<long[]> Merged(IReadOnlyList<IAsyncEnumerable<long[]>> sources, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batcher = new PortBatcher(services.BatchSize);
        await foreach (var (id, _) in SortedMerge.TagAsync(sources, cancellationToken))
        {
            if (batcher.Add(Out, id) is { } full)
                yield return full;
        }
        foreach (var (_, rest) in batcher.Flush())
            yield return rest;
    }

    private async Task CopyAsync(ActivityRun run, IReadOnlyList<(string Activity, string Port)> from, PortOutput output, string port, CancellationToken cancellationToken)
    {
        await foreach (var ids in Union(run, from, cancellationToken))
            await output.WriteAsync(port, ids, cancellationToken);
    }

    /// <summary>The whole inbound population in memory with the columns an operation reads; split and deduplicate need all of it.</summary>
    private async Task<ProfileBatch> LoadAsync(ActivityRun run, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var values = columns.Select(_ => new List<object?>()).ToArray();
        var types = new ExprType[columns.Count];
        await foreach (var batch in services.Profiles.ReadColumnsAsync(Union(run, run.Inbound, cancellationToken), columns, cancellationToken))
        {
            ids.AddRange(batch.Ids);
            for (var c = 0; c < columns.Count; c++)
            {
                values[c].AddRange(batch.Columns[c].Values);
                types[c] = batch.Columns[c].Type;
            }
        }
        return new ProfileBatch(ids.ToArray(), columns.Select((name, c) => new PopulationColumn(name, types[c], values[c].ToArray())).ToList());
    }

    private static async Task WritePortsAsync(PortOutput output, IReadOnlyDictionary<string, long[]> ports, CancellationToken cancellationToken)
    {
        foreach (var (port, ids) in ports)
            await output.WriteAsync(port, ids, cancellationToken);
    }

    private async Task<Bound?> BindAsync(string filter, ActivityRun run, CancellationToken cancellationToken)
    {
        var scope = BindingScope.ForProfiles(await services.Profiles.GetSchemaAsync(cancellationToken), run.Variables) with { FeedbackActivities = run.ChannelActivities };
        var (bound, error) = Expression.CheckFilter(filter, scope);
        return error is null ? bound : throw new InvalidOperationException($"filter of '{run.Activity.Id}' no longer type-checks: {error}");
    }

    /// <summary>
    /// A channel's first cut: profiles without an address or, for marketing, without the channel's opt-in leave by
    /// <c>excluded</c> with their reason; a render error excludes that profile only; the rest are sent through the
    /// outbox, exactly once per batch, and leave by <c>out</c>.
    /// </summary>
    private async Task SendAsync(ActivityRun run, ChannelActivity channel, PortOutput output, Dictionary<string, long> excluded, CancellationToken cancellationToken)
    {
        var (name, address, optIn) = channel switch
        {
            EmailActivity => ("email", "email", "emailOptIn"),
            SmsActivity => ("sms", "phone", "smsOptIn"),
            _ => ("push", "pushToken", "pushOptIn"),
        };
        var schema = await services.Profiles.GetSchemaAsync(cancellationToken);
        // Only what the message needs: its address, its consent and the attributes its templates name (a Liquid
        // variable is written by name, so a name absent from every template is never read by one).
        var text = string.Join("\n", channel.Templates.Select(t => t.Template));
        var columns = schema.Attributes.Select(a => a.Name)
            .Where(name => name == address || name == optIn || System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{name}\b"))
            .ToList();
        var templates = new MessageTemplates(channel, run.CampaignName, run.Context.Variables);
        var delivery = new Delivery(services.Ledger, services.Outbox);
        long number = 0;
        await foreach (var batch in services.Profiles.ReadColumnsAsync(Union(run, run.Inbound, cancellationToken), columns, cancellationToken))
        {
            var (sent, left, messages) = (new List<long>(), new List<long>(), new List<OutboundMessage>());
            for (var row = 0; row < batch.Count; row++)
            {
                var to = batch.ValuesOf(address)[row] as string;
                var reason = to is null ? "noAddress"
                    : channel.Category == MessageCategory.Marketing && batch.ValuesOf(optIn)[row] is not true ? "noConsent"
                    : null;
                IReadOnlyList<KeyValuePair<string, string>>? content = null;
                if (reason is null)
                {
                    var profile = columns.Select((c, i) => (c, batch.Columns[i].Values[row])).ToDictionary(p => p.c, p => p.Item2);
                    (content, var error) = templates.Render(profile);
                    reason = error is null ? null : "renderError";
                }
                if (reason is not null)
                {
                    left.Add(batch.Ids[row]);
                    excluded[reason] = excluded.GetValueOrDefault(reason) + 1;
                    continue;
                }
                sent.Add(batch.Ids[row]);
                messages.Add(new OutboundMessage(OutboundMessage.IdFor(run.Campaign.Value, run.Execution.Value, channel.Id, batch.Ids[row]),
                    run.Campaign.Value, run.Execution.Value, channel.Id, batch.Ids[row], to!, content!));
            }
            if (messages.Count > 0)
                await delivery.SendAsync(new DeliveryBatch(run.Campaign.Value, run.Execution.Value, channel.Id, number), name, messages, cancellationToken);
            number++;
            await output.WriteAsync(Out, sent.ToArray(), cancellationToken);
            await output.WriteAsync("excluded", left.ToArray(), cancellationToken);
        }
    }
}
