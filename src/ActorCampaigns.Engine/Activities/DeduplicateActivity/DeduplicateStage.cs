using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// Keeping the lowest id of each key streams (<see cref="LowestIdDeduplication"/>); the other methods compare the
/// whole population at once (<see cref="DeduplicateOperation"/>).
/// </summary>
public sealed class DeduplicateStage : ActivityStage<DeduplicateActivity>
{
    protected override bool StreamsInbound(DeduplicateActivity dedup, ExecutionMode mode) => LowestIdDeduplication.Applies(dedup);

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, DeduplicateActivity dedup, long input,
        CancellationToken cancellationToken)
    {
        if (!LowestIdDeduplication.Applies(dedup))
            return runner.Whole(run, input, dedup.Keys.Append(dedup.By).Distinct().ToList(), [],
                population => DeduplicateOperation.Run(dedup, population, run.Execution.Value), cancellationToken);
        // Started while its input still streams, it sizes its table of keys for the whole profile base, which bounds
        // any population: fresh memory is only touched as keys arrive, and the table never grows (a 10M table that
        // doubles holds both sizes at once).
        var firsts = new LowestIdDeduplication(dedup, input > 0 ? input : await runner.Services.Profiles.CountAsync(null, run.Context, cancellationToken));
        var keyed = await runner.ReadColumnsAsync(run, runner.Union(run, run.Inbound, cancellationToken), dedup.Keys, [], cancellationToken);
        // Reading the keys and keeping the first of each run as two stages, so they overlap.
        return Source.From(() => keyed)
            .Async()
            .Select(firsts.Next)
            .SelectMany(ports => new[] { new PortBatch(Transition.DefaultPort, ports.Kept), new PortBatch(DeduplicateOperation.Duplicates, ports.Duplicates) });
    }
}
