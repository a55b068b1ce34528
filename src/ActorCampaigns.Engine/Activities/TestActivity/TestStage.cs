using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// The whole population by the port of the first condition its count meets (<see cref="TestOperation"/>). In a
/// partitioned execution each partition gathers the whole count (the partitions' counts, summed by the database) and
/// so decides as every other does, then sends its own profiles that way.
/// </summary>
public sealed class TestStage : ActivityStage<TestActivity>
{
    /// <summary>It starts once what feeds it is done, so every partition finds the same whole count.</summary>
    public override bool RunsPerPartition(Activity activity) => true;

    protected override async Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, TestActivity test, long input,
        CancellationToken cancellationToken)
    {
        var scope = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, run.Variables);
        var conditions = test.Conditions.Select(c => Expression.CheckFilter(c.When, scope).Bound ?? new BoundLiteral(ExprType.Bool, false)).ToList();
        var count = run.Partition is null ? input : await runner.WholeInputAsync(run, cancellationToken);
        return runner.Copy(run, run.Inbound, TestOperation.PortFor(test, conditions, count, run.Context), cancellationToken);
    }
}
