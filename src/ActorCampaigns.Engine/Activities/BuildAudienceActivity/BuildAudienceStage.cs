using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The profiles matching the filter (those of its partition, in a partitioned execution), streamed from the profile store in id order.</summary>
public sealed class BuildAudienceStage : ActivityStage<BuildAudienceActivity>
{
    public override bool RunsPerPartition(Activity activity) => true;

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, BuildAudienceActivity build, long input,
        CancellationToken cancellationToken)
    {
        var filter = await runner.BindAsync(build.Filter, run, cancellationToken);
        return Source.From(() => runner.Services.Profiles.StreamAsync(new ProfileQuery(filter, run.Context, [], runner.Services.BatchSize,
                run.Partition is { } partition ? run.Partitions!.Ids(partition.Index) : null), cancellationToken))
            .Select(batch => new PortBatch(Transition.DefaultPort, batch.Ids));
    }
}
