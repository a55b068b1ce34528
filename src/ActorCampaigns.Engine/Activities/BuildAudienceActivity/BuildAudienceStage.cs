using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The profiles matching the filter, streamed from the profile store in id order.</summary>
public sealed class BuildAudienceStage : ActivityStage<BuildAudienceActivity>
{
    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, BuildAudienceActivity build, long input,
        CancellationToken cancellationToken)
    {
        var filter = await runner.BindAsync(build.Filter, run, cancellationToken);
        return Source.From(() => runner.Services.Profiles.StreamAsync(new ProfileQuery(filter, run.Context, [], runner.Services.BatchSize), cancellationToken))
            .Select(batch => new PortBatch(Transition.DefaultPort, batch.Ids));
    }
}
