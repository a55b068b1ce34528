using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>A stage that passes its whole inbound population on by <c>out</c>, as it arrives when <paramref name="streams"/>.</summary>
public abstract class PassThroughStage<T>(bool streams) : ActivityStage<T> where T : Activity
{
    protected override bool StreamsInbound(T activity, ExecutionMode mode) => streams;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, T activity, long input,
        CancellationToken cancellationToken) =>
        Task.FromResult(runner.Copy(run, run.Inbound, Transition.DefaultPort, cancellationToken));
}
