using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// The population at once, each subset's filter evaluated by the database as a column of its own (<see cref="SplitOperation"/>).
/// In a partitioned execution each partition splits its own profiles; a split with limits counts over the whole
/// population, so the campaign first decides how many of each partition's profiles each limited subset takes
/// (<see cref="DecideAsync"/>, journaled), and every partition takes that many, first in the subset's order.
/// </summary>
public sealed class SplitStage : ActivityStage<SplitActivity>
{
    public override bool RunsPerPartition(Activity activity) => true;

    public override bool DecidesFirst(Activity activity) => ((SplitActivity)activity).Subsets.Any(s => s.Limit is not null);

    public override async Task<string> DecideAsync(ActivityRunner runner, ActivityRun run, CancellationToken cancellationToken)
    {
        var split = (SplitActivity)run.Activity;
        var (columns, filters, predicates) = await ColumnsAsync(runner, run, split, cancellationToken);
        var partitions = run.Partitions ?? throw new InvalidOperationException($"split '{split.Id}' decides for partitions, and its execution has none");
        var population = await runner.LoadAsync(run, await runner.WholeInputAsync(run, cancellationToken), columns, filters, cancellationToken);
        return SplitOperation.Decide(split, predicates, population, run.Context, run.Execution.Value, partitions.Of, partitions.Count).ToJson(split);
    }

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, SplitActivity split, long input,
        CancellationToken cancellationToken)
    {
        var (columns, filters, predicates) = await ColumnsAsync(runner, run, split, cancellationToken);
        if (run.Partition is not { } partition || !DecidesFirst(split))
            return runner.Whole(run, input, columns, filters, population => SplitOperation.Run(split, predicates, population, run.Context, run.Execution.Value),
                cancellationToken);
        var decision = run.Decision is { } decided && run.Partitions is { } partitions ? SplitDecision.Parse(decided, split, partitions.Count)
            : throw new InvalidOperationException($"partition {partition.Index} of split '{split.Id}' has no decision of the campaign to apply");
        return runner.Whole(run, input, columns, filters,
            population => SplitOperation.Apply(split, predicates, decision, partition.Index, population, run.Context, run.Execution.Value), cancellationToken);
    }

    /// <summary>The columns a split reads (its orders' attributes), its filters computed by the database, and each subset's predicate over them.</summary>
    private static async Task<(List<string> Columns, List<KeyValuePair<string, Bound>> Filters, List<Bound?> Predicates)> ColumnsAsync(
        ActivityRunner runner, ActivityRun run, SplitActivity split, CancellationToken cancellationToken)
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
        var columns = split.Subsets.Where(s => s.Order is not (null or "random")).Select(s => s.Order!.Split(' ')[0]).Distinct().ToList();
        return (columns, filters, predicates);
    }
}
