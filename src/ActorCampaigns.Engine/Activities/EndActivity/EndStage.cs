using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Nothing leaves an end; its signal, if any, is sent by its activity actor once it completes.</summary>
public sealed class EndStage : ActivityStage<EndActivity>
{
    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, EndActivity end, long input,
        CancellationToken cancellationToken) =>
        Task.FromResult(Source.Empty<PortBatch>());
}
