using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>Once every inbound branch is done, the primary branch's population.</summary>
public sealed class AndJoinStage : ActivityStage<AndJoinActivity>
{
    public override bool RunsPerPartition(Activity activity) => true;

    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, AndJoinActivity join, long input,
        CancellationToken cancellationToken) =>
        Task.FromResult(runner.Copy(run, run.Inbound.Where(i => i.Activity == join.Primary).ToList(), Transition.DefaultPort, cancellationToken));
}
