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
        var (rows, filter, _) = await RowsAsync(runner, run, build, cancellationToken);
        return Source.From(() => rows.StreamAsync(new ProfileQuery(filter, run.Context, [], runner.Services.BatchSize,
                run.Partition is { } partition && build.Entity is null ? run.Partitions!.Ids(partition.Index) : null), cancellationToken))
            .Select(batch => new PortBatch(Transition.DefaultPort, batch.Ids));
    }

    /// <summary>Where a source reads its rows (the profiles, or an entity's), its filter bound over them, and an entity's link column.</summary>
    internal static async Task<(ProfileStore Rows, Bound? Filter, string? Link)> RowsAsync(ActivityRunner runner, ActivityRun run, IRowSource source,
        CancellationToken cancellationToken)
    {
        var (entityName, filter) = (source.Entity, source.Filter);
        if (entityName is null)
            return (runner.Services.Profiles, await runner.BindAsync(filter, run, cancellationToken), null);
        var entity = await runner.EntityAsync(run, entityName, cancellationToken);
        var scope = BindingScope.ForEntity(await entity.Rows.GetSchemaAsync(cancellationToken), await runner.Services.Profiles.GetSchemaAsync(cancellationToken),
            run.Variables);
        var (bound, error) = Expression.CheckFilter(filter, scope);
        return error is null ? (entity.Rows, bound, entity.Link) : throw new InvalidOperationException($"filter of '{run.Activity.Id}' no longer type-checks: {error}");
    }
}
