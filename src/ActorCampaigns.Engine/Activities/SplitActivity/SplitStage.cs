using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The whole population at once, each subset's filter evaluated by the database as a column of its own (<see cref="SplitOperation"/>).</summary>
public sealed class SplitStage : ActivityStage<SplitActivity>
{
    /// <summary>Subsets by filters alone take each profile by itself; a limit counts over the whole population.</summary>
    public override bool RunsPerPartition(Activity activity) => ((SplitActivity)activity).Subsets.All(s => s.Limit is null);

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, SplitActivity split, long input,
        CancellationToken cancellationToken)
    {
        var filters = new List<KeyValuePair<string, Bound>>();
        var predicates = new List<Bound?>();
        foreach (var subset in split.Subsets)
        {
            var bound = subset.Filter is null ? null : await runner.BindAsync(subset.Filter, run, cancellationToken);
            if (bound is not null)
                filters.Add(KeyValuePair.Create($"${subset.Name}", bound));
            predicates.Add(bound is null ? null : new BoundColumn(ExprType.Bool, $"${subset.Name}"));
        }
        var orderColumns = split.Subsets.Where(s => s.Order is not (null or "random")).Select(s => s.Order!.Split(' ')[0]).Distinct().ToList();
        return runner.Whole(run, input, orderColumns, filters,
            population => SplitOperation.Run(split, predicates, population, run.Context, run.Execution.Value), cancellationToken);
    }
}
