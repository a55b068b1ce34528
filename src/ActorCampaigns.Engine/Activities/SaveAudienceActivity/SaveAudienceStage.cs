using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Replaces the audience with the inbound population, then passes it on; a test execution saves nothing.</summary>
public sealed class SaveAudienceStage : ActivityStage<SaveAudienceActivity>
{
    public override bool HeldInTest => true;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, SaveAudienceActivity save, long input,
        CancellationToken cancellationToken) =>
        Task.FromResult(run.Mode == ExecutionMode.Test
            ? Source.Empty<PortBatch>()
            : Source.Single(save.Audience)
                .SelectAsync(1, name => runner.Services.Audiences.ReplaceAsync(name, runner.Union(run, run.Inbound, cancellationToken), cancellationToken))
                .SelectMany(_ => Array.Empty<PortBatch>())
                .Concat(runner.Copy(run, run.Inbound, Transition.DefaultPort, cancellationToken)));
}
