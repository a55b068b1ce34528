using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>A sorted merge of the inbound populations as they are written (<see cref="CombineOperation"/>).</summary>
public sealed class CombineStage : ActivityStage<CombineActivity>
{
    protected override bool StreamsInbound(CombineActivity activity, ExecutionMode mode) => true;

    /// <summary>Union, intersection and exclusion compare ids: a partition's ids meet only the same partition's.</summary>
    public override bool RunsPerPartition(Activity activity) => true;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, CombineActivity combine, long input,
        CancellationToken cancellationToken)
    {
        var inbound = run.Inbound.Select(i => new Inbound(i.Activity, runner.Follow(run, i.Activity, i.Port, cancellationToken))).ToList();
        return Task.FromResult(Source.From(() => CombineOperation.RunAsync(combine, inbound, runner.Services.BatchSize, cancellationToken))
            .Select(port => new PortBatch(port.Port, port.Ids)));
    }
}
