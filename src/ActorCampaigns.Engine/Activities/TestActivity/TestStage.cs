using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Engine.Executions;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCampaigns.Engine.Activities;

/// <summary>The whole population by the port of the first condition its count meets (<see cref="TestOperation"/>).</summary>
public sealed class TestStage : ActivityStage<TestActivity>
{
    protected override Task<Source<PortBatch, NotUsed>> CreateAsync(ActivityRunner runner, ActivityRun run, TestActivity test, long input,
        CancellationToken cancellationToken)
    {
        var scope = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, run.Variables);
        var conditions = test.Conditions.Select(c => Expression.CheckFilter(c.When, scope).Bound ?? new BoundLiteral(ExprType.Bool, false)).ToList();
        return Task.FromResult(runner.Copy(run, run.Inbound, TestOperation.PortFor(test, conditions, input, run.Context), cancellationToken));
    }
}
