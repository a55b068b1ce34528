using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// The profiles matching the filter (those of its partition, in a partitioned execution), streamed from the profile
/// store in id order; or an entity's rows matching it, their profile's attributes read through their link.
/// </summary>
public sealed class BuildAudienceStage : ActivityStage<BuildAudienceActivity>
{
    /// <summary>Partitions split profile ids; an entity's rows are read whole, by one run.</summary>
    public override bool RunsPerPartition(Activity activity) => activity is BuildAudienceActivity { Entity: null };

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, BuildAudienceActivity build, long input,
        CancellationToken cancellationToken)
    {
        if (build.Entity is { } name)
        {
            var entity = await runner.Services.Entities.FindAsync(name, cancellationToken)
                ?? throw new InvalidOperationException($"'{run.Activity.Id}' picks rows of '{name}', and this node has no such entity (import its rows: POST /api/entities/{name}/import)");
            var scope = BindingScope.ForEntity(await entity.Rows.GetSchemaAsync(cancellationToken), await runner.Services.Profiles.GetSchemaAsync(cancellationToken),
                run.Variables);
            var (rows, error) = Expression.CheckFilter(build.Filter, scope);
            if (error is not null)
                throw new InvalidOperationException($"filter of '{run.Activity.Id}' no longer type-checks: {error}");
            return Stream(entity.Rows, rows);
        }
        return Stream(runner.Services.Profiles, await runner.BindAsync(build.Filter, run, cancellationToken));

        Source<PortBatch, NotUsed> Stream(ProfileStore store, Bound? filter) =>
            Source.From(() => store.StreamAsync(new ProfileQuery(filter, run.Context, [], runner.Services.BatchSize,
                    run.Partition is { } partition && build.Entity is null ? run.Partitions!.Ids(partition.Index) : null), cancellationToken))
                .Select(batch => new PortBatch(Transition.DefaultPort, batch.Ids));
    }
}
