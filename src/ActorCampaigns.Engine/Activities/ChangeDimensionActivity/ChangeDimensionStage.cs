using ActorCampaigns.Data.Entities;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Changes a population through an entity's link. An entity's rows change to the profiles they link to, each once,
/// with its aggregates: the rows stream past once, their link and the columns aggregated read, and each profile's
/// aggregates add up in memory (a dictionary by profile); then the profiles that exist are kept with the execution
/// (<see cref="DimensionChanges"/>) before anything leaves, so a run again outputs the same, whatever the rows became.
/// Profiles change to all their linked rows of an entity that pass the filter: the profiles are held as a sorted
/// array, and the entity's rows stream past once, in id order, keeping those whose link is in it.
/// </summary>
public sealed class ChangeDimensionStage : ActivityStage<ChangeDimensionActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, ChangeDimensionActivity change, long input,
        CancellationToken cancellationToken) =>
        run.Plan.InputOf(change.Id).Entity is { } from
            ? await ToProfilesAsync(runner, run, change, await runner.EntityAsync(run, from, cancellationToken), cancellationToken)
            : await ToRowsAsync(runner, run, change, input, cancellationToken);

    private static async Task<Source<PortBatch, NotUsed>> ToProfilesAsync(ActivityRunner runner, ActivityRun run, ChangeDimensionActivity change, Entity entity,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        // An experiment's second wave (the held-back profiles' rows) keeps its change apart from the first's.
        var key = new ExecutionActivity(run.Campaign.Value, run.Execution.Value, run.SecondWave ? change.Id + BoundAggregateColumn.SecondWave : change.Id);
        if (await services.Changes.DoneAsync(key, cancellationToken) is not { } summary)
        {
            await services.Changes.ClearAsync(key, cancellationToken);
            summary = await AggregateAsync(runner, run, change, entity, key, cancellationToken);
        }
        var note = $"{summary.Rows:N0} rows of {entity.Name} changed to {summary.Profiles:N0} profiles";
        return Source.Single(new PortBatch(Transition.DefaultPort, [], Notes: [note]))
            .Concat(Source.From(() => services.Changes.ProfilesAsync(key, services.BatchSize, cancellationToken))
                .Select(ids => new PortBatch(Transition.DefaultPort, ids)));
    }

    private static async Task<DimensionChangeSummary> AggregateAsync(ActivityRunner runner, ActivityRun run, ChangeDimensionActivity change, Entity entity,
        ExecutionActivity key, CancellationToken cancellationToken)
    {
        var services = runner.Services;
        var columns = change.Aggregates.Select(a => a.Column).OfType<string>().Prepend(entity.Link).Distinct().ToList();
        var byProfile = new Dictionary<long, ProfileAggregates>();
        var rows = 0L;
        await foreach (var batch in entity.Rows.ReadColumnsAsync(runner.Union(run, run.Inbound, cancellationToken), columns, cancellationToken))
        {
            var links = batch.ValuesOf(entity.Link);
            var values = change.Aggregates.Select(a => a.Column is null ? null : batch.ValuesOf(a.Column)).ToArray();
            for (var row = 0; row < batch.Count; row++)
            {
                // A row linking to no profile changes to none.
                if (links[row] is not long profile)
                    continue;
                if (!byProfile.TryGetValue(profile, out var aggregates))
                    byProfile[profile] = aggregates = new ProfileAggregates(change.Aggregates);
                aggregates.Add(values, row);
            }
            rows += batch.Count;
        }
        // Kept in profile order, the profiles that exist only (a row may link to one deleted or never imported).
        var profiles = 0L;
        foreach (var chunk in byProfile.Keys.Order().Chunk(services.BatchSize))
        {
            var existing = await services.Profiles.ExistingAsync(chunk, cancellationToken);
            var kept = chunk.Where(existing.Contains).Select(p => (p, byProfile[p].Json())).ToList();
            await services.Changes.AppendAsync(key, kept, cancellationToken);
            profiles += kept.Count;
        }
        var summary = new DimensionChangeSummary(rows, profiles);
        await services.Changes.CloseAsync(key, summary, cancellationToken);
        return summary;
    }

    private static async Task<Source<PortBatch, NotUsed>> ToRowsAsync(ActivityRunner runner, ActivityRun run, ChangeDimensionActivity change, long input,
        CancellationToken cancellationToken)
    {
        var services = runner.Services;
        var (rows, filter, link) = await BuildAudienceStage.RowsAsync(runner, run, new RowPick(change.Filter, change.To), cancellationToken);
        return Source.From(() => LinkedAsync(runner, run, rows, new ProfileQuery(filter, run.Context, [link!], services.BatchSize), link!, input, cancellationToken))
            .Select(ids => new PortBatch(Transition.DefaultPort, ids));
    }

    /// <summary>The rows <paramref name="query"/> picks whose link is one of the inbound profiles, batch by batch (none empty).</summary>
    private static async IAsyncEnumerable<long[]> LinkedAsync(ActivityRunner runner, ActivityRun run, ProfileStore rows, ProfileQuery query, string link,
        long input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The inbound profiles arrive in id order, each once: a sorted array to look each row's link up in.
        var inbound = new List<long>((int)Math.Min(input, Array.MaxLength));
        await foreach (var ids in runner.Union(run, run.Inbound, cancellationToken))
            inbound.AddRange(ids);
        if (inbound.Count == 0)
            yield break;
        var profiles = inbound.ToArray();
        inbound = null;
        await foreach (var batch in rows.StreamAsync(query, cancellationToken))
        {
            var links = batch.ValuesOf(link);
            var kept = batch.Ids.Where((_, row) => links[row] is long profile && Array.BinarySearch(profiles, profile) >= 0).ToArray();
            if (kept.Length > 0)
                yield return kept;
        }
    }

    /// <summary>The rows a change to an entity picks, as a source of rows names them.</summary>
    private sealed record RowPick(string Filter, string? Entity) : IRowSource;
}
