using ActorCampaigns.Channels.Templates;
using System.Runtime.CompilerServices;
using ActorCampaigns.Channels;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Domain.Populations;
using ActorCampaigns.Domain.Time;
using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Engine.Campaigns;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Runs one activity of one execution as an Akka.Streams graph: the activity's stage (a source of
/// <see cref="PortBatch"/>es reading its inbound worktables or the profile store) into a kill switch (pause and stop
/// at a batch boundary), into the worktable writer, into a sink that reports the counts after every batch.
/// Deterministic, so a re-run after a crash or a pause writes the same batches, which the worktables and the ledger
/// keep once.
/// </summary>
public sealed class ActivityRunner(EngineServices services)
{
    private const string Out = Transition.DefaultPort;

    /// <summary>
    /// How soon an activity that streams its inbound populations looks again for batches written since it last read:
    /// at once after finding some, else after a delay that doubles from the first to the last.
    /// </summary>
    private static readonly (TimeSpan First, TimeSpan Last) FollowDelay = (TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500));

    /// <summary>A run ready to stream: how many profiles have arrived so far, and the activity's stage.</summary>
    public sealed record Prepared(Func<long> Input, Source<PortBatch, NotUsed> Stage);

    /// <summary>When the activity may run, if not now (a wait before its time).</summary>
    public DateTime? WaitsUntil(ActivityRun run) => ActivityStages.Of(run.Activity).WaitsUntil(run, services.Clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The activity's stage. When every activity feeding it has completed, its input is counted first; otherwise (it
    /// streams what they still write) its input is counted as it reads.
    /// </summary>
    public async Task<Prepared> PrepareAsync(ActivityRun run, CancellationToken cancellationToken)
    {
        if (run.Inbound.All(i => run.Upstream.IsCompleted(i.Activity)))
        {
            long input = 0;
            foreach (var (activity, port) in run.Inbound)
                input += await services.Worktables.CountAsync(Inbound(run, activity, port), cancellationToken);
            return new Prepared(() => input, await StageAsync(run, input, cancellationToken));
        }
        return new Prepared(() => run.Upstream.Arrived, await StageAsync(run, 0, cancellationToken));
    }

    /// <summary>How many profiles arrived over all partitions, once every activity feeding this one has completed.</summary>
    public async Task<long> WholeInputAsync(ActivityRun run, CancellationToken cancellationToken)
    {
        long input = 0;
        foreach (var (activity, port) in run.Inbound)
            input += await services.Worktables.CountAsync(new PortPopulation(run.Campaign.Value, run.Execution.Value, activity, port), cancellationToken);
        return input;
    }

    /// <summary>Starts the stream; <paramref name="progress"/> gets the counts after every batch written.</summary>
    /// <returns>The switch that ends the stream at the next batch boundary, and the activity's counts once it has ended.</returns>
    public (UniqueKillSwitch Switch, Task<ActivityCounts> Counts) Materialize(ActivityRun run, Prepared prepared, IMaterializer materializer,
        Action<ActivityCounts> progress, CancellationToken cancellationToken)
    {
        var output = new PortOutput(services.Worktables, run, prepared.Input);
        var (killSwitch, done) = prepared.Stage
            .ViaMaterialized(KillSwitches.Single<PortBatch>(), Keep.Right)
            .SelectAsync(1, batch => output.WriteAsync(batch, cancellationToken))
            .ToMaterialized(Sink.ForEach(progress), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 2))
            .Run(materializer);
        return (killSwitch, CountsWhenDone(done, output));
    }

    private static async Task<ActivityCounts> CountsWhenDone(Task done, PortOutput output)
    {
        await done;
        return output.Counts;
    }

    /// <summary>Runs the activity to its end: its counts, or, for a wait not over yet or messages left for later, when it runs again.</summary>
    public async Task<ActivityOutcome> RunAsync(ActivityRun run, IMaterializer materializer, CancellationToken cancellationToken = default)
    {
        if (WaitsUntil(run) is { } until)
            return new ActivityOutcome.Waiting(until);
        var prepared = await PrepareAsync(run, cancellationToken);
        var counts = await Materialize(run, prepared, materializer, _ => { }, cancellationToken).Counts;
        return run.Later.Until is { } later ? new ActivityOutcome.Waiting(later) : new ActivityOutcome.Done(counts);
    }

    /// <summary>The stage of the activity's kind; <paramref name="input"/> is 0 when its inbound populations were still being written.</summary>
    private Task<Source<PortBatch, NotUsed>> StageAsync(ActivityRun run, long input, CancellationToken cancellationToken) =>
        ActivityStages.Of(run.Activity).CreateAsync(this, run, input, cancellationToken);

    /// <summary>What the stages use: the stores, the providers, the clock, the batch size.</summary>
    public EngineServices Services => services;

    /// <summary>An inbound population: the run's partition of it, or all of it; in a second wave, only its second-wave batches.</summary>
    private static PortPopulation Inbound(ActivityRun run, string activity, string port) =>
        new(run.Campaign.Value, run.Execution.Value, activity, port, run.SecondWave
            ? run.Partition is { } partition ? BatchRange.Of(partition.Index, secondWave: true) : BatchRange.WholeSecondWave
            : run.Partition?.Batches);

    /// <summary>
    /// An inbound population, batch by batch: what is written so far, then, until the activity writing it has
    /// completed, what it writes next. Completion is looked at before each pass, so the pass after it reads the last
    /// batches.
    /// </summary>
    public async IAsyncEnumerable<long[]> Follow(ActivityRun run, string activity, string port, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var population = Inbound(run, activity, port);
        var after = long.MinValue;
        var delay = FollowDelay.First;
        while (true)
        {
            // Taken before looking, so a completion right after the look still wakes the wait below.
            var nextCompletion = run.Upstream.NextCompletion;
            var completed = run.Upstream.IsCompleted(activity);
            var read = false;
            await foreach (var (batch, ids) in services.Worktables.ReadBatchesAsync(population, after, cancellationToken))
            {
                (after, read) = (batch, true);
                run.Upstream.Read(ids.Length);
                yield return ids;
            }
            if (completed)
                yield break;
            if (read)
            {
                delay = FollowDelay.First;
                continue;
            }
            await Task.WhenAny(Task.Delay(delay, cancellationToken), nextCompletion);
            cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, FollowDelay.Last.Ticks));
        }
    }

    public Source<PortBatch, NotUsed> Copy(ActivityRun run, IReadOnlyList<(string Activity, string Port)> from, string port, CancellationToken cancellationToken) =>
        Source.From(() => Union(run, from, cancellationToken)).Select(ids => new PortBatch(port, ids));

    /// <summary>All inbound populations as one, in id order (a profile arriving by two transitions counts once).</summary>
    public IAsyncEnumerable<long[]> Union(ActivityRun run, IReadOnlyList<(string Activity, string Port)> ports, CancellationToken cancellationToken)
    {
        var sources = ports.Select(i => Follow(run, i.Activity, i.Port, cancellationToken)).ToList();
        return sources.Count == 1 ? sources[0] : Merged(sources, cancellationToken);
    }

    private async IAsyncEnumerable<long[]> Merged(IReadOnlyList<IAsyncEnumerable<long[]>> sources, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batcher = new PortBatcher(services.BatchSize);
        await foreach (var tagged in SortedMerge.TagAsync(sources, cancellationToken))
        {
            for (var i = 0; i < tagged.Count; i++)
            {
                if (batcher.Add(Out, tagged.Ids[i]) is { } full)
                    yield return full;
            }
        }
        foreach (var (_, rest) in batcher.Flush())
            yield return rest;
    }

    /// <summary>
    /// An operation over the whole inbound population at once (split and deduplicate compare profiles across all of
    /// it), loaded with the columns it reads; its ports leave in batches.
    /// </summary>
    public Source<PortBatch, NotUsed> Whole(ActivityRun run, long input, IReadOnlyList<string> columns, IReadOnlyList<KeyValuePair<string, Bound>> computed,
        Func<ProfileBatch, IReadOnlyDictionary<string, long[]>> operation, CancellationToken cancellationToken) =>
        Source.Single(run.Activity.Id)
            .SelectAsync(1, _ => LoadAsync(run, input, columns, computed, cancellationToken))
            .SelectMany(population => population.Count == 0 ? [] : Slices(operation(population)));

    private IEnumerable<PortBatch> Slices(IReadOnlyDictionary<string, long[]> ports)
    {
        foreach (var (port, ids) in ports)
        {
            for (var start = 0; start < ids.Length; start += services.BatchSize)
                yield return new PortBatch(port, ids[start..Math.Min(ids.Length, start + services.BatchSize)]);
        }
    }

    /// <summary>
    /// The whole inbound population in memory with the columns named (attributes or enrich columns) and those
    /// computed, in arrays sized once from the <paramref name="input"/> count (a profile arriving twice is one, so
    /// there may be fewer).
    /// </summary>
    public async Task<ProfileBatch> LoadAsync(ActivityRun run, long input, IReadOnlyList<string> names, IReadOnlyList<KeyValuePair<string, Bound>> computed,
        CancellationToken cancellationToken)
    {
        var ids = new long[input];
        object?[][] values = [];
        IReadOnlyList<PopulationColumn> columns = [];
        var count = 0;
        await foreach (var batch in await ReadColumnsAsync(run, Union(run, run.Inbound, cancellationToken), names, computed, cancellationToken))
        {
            if (count == 0)
            {
                columns = batch.Columns;
                values = columns.Select(_ => new object?[input]).ToArray();
            }
            batch.Ids.CopyTo(ids, count);
            for (var c = 0; c < columns.Count; c++)
                batch.Columns[c].Values.CopyTo(values[c], count);
            count += batch.Count;
        }
        if (count < input)
        {
            Array.Resize(ref ids, count);
            for (var c = 0; c < values.Length; c++)
                Array.Resize(ref values[c], count);
        }
        return new ProfileBatch(ids, columns.Select((column, c) => column with { Values = values[c] }).ToList());
    }

    /// <summary>
    /// A population's batches with the columns named, read from the profile store: attributes as they are, enrich
    /// columns and <paramref name="computed"/> ones evaluated by the database.
    /// </summary>
    public async Task<IAsyncEnumerable<ProfileBatch>> ReadColumnsAsync(ActivityRun run, IAsyncEnumerable<long[]> population, IEnumerable<string> names,
        IReadOnlyList<KeyValuePair<string, Bound>> computed, CancellationToken cancellationToken)
    {
        var enrich = await EnrichColumnsAsync(run, cancellationToken);
        var attributes = names.Where(n => !enrich.ContainsKey(n)).Distinct().ToList();
        var evaluated = names.Where(enrich.ContainsKey).Distinct().Select(n => KeyValuePair.Create(n, enrich[n])).Concat(computed).ToList();
        return services.Profiles.ReadColumnsAsync(population, attributes, cancellationToken, evaluated, run.Context);
    }

    public async Task<IReadOnlyDictionary<string, Bound>> EnrichColumnsAsync(ActivityRun run, CancellationToken cancellationToken) =>
        run.Plan.EnrichColumnsOf(run.Activity.Id, await services.Profiles.GetSchemaAsync(cancellationToken), run.Variables,
            await EntitySchemasAsync(run.Plan.AggregatedEntities, cancellationToken));

    /// <summary>The entity whose rows the run reads; a node without it (its rows never imported here) fails the run, saying so.</summary>
    public async Task<Data.Entities.Entity> EntityAsync(ActivityRun run, string name, CancellationToken cancellationToken) =>
        await services.Entities.FindAsync(name, cancellationToken)
        ?? throw new InvalidOperationException($"'{run.Activity.Id}' reads rows of '{name}', and this node has no such entity (import its rows: POST /api/entities/{name}/import)");

    /// <summary>The columns of the entities named (those whose rows change to profiles with aggregates); none when none is.</summary>
    private async Task<IReadOnlyDictionary<string, ProfileSchema>> EntitySchemasAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var schemas = new Dictionary<string, ProfileSchema>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (await services.Entities.FindAsync(name, cancellationToken) is { } entity)
                schemas[name] = await entity.Rows.GetSchemaAsync(cancellationToken);
        }
        return schemas;
    }

    /// <summary>A filter over profile attributes, with the enrich columns it names replaced by their expressions.</summary>
    public async Task<Bound?> BindAsync(string filter, ActivityRun run, CancellationToken cancellationToken)
    {
        var enrich = await EnrichColumnsAsync(run, cancellationToken);
        var (bound, error) = Expression.CheckFilter(filter, run.Plan.Scope(await services.Profiles.GetSchemaAsync(cancellationToken), run.Variables, enrich));
        if (error is not null)
            throw new InvalidOperationException($"filter of '{run.Activity.Id}' no longer type-checks: {error}");
        return bound is null ? null : BoundSubstitution.Replace(bound, column => enrich.GetValueOrDefault(column.Name));
    }
}
