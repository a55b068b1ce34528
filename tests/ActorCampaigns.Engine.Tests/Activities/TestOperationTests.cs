using ActorCampaigns.Engine.Activities;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Engine.Tests.Activities;

public class TestOperationTests
{
    [Theory]
    [InlineData(5_000, "big")]
    [InlineData(50, "some")]
    [InlineData(3, "default")]
    public void The_first_condition_that_holds_takes_the_population(long count, string port)
    {
        var test = new TestActivity("enough", [new TestCondition("big", "count > 1000"), new TestCondition("some", "count > vars.limit")]);
        var scope = new BindingScope(new Dictionary<string, ExprType> { ["count"] = ExprType.Int }, new Dictionary<string, ExprType> { ["limit"] = ExprType.Int });
        var conditions = test.Conditions.Select(c => Expression.CheckFilter(c.When, scope).Bound!).ToList();
        var context = new EvaluationContext(DateTime.UtcNow, new Dictionary<string, object?> { ["limit"] = 10L });
        Assert.Equal(port, TestOperation.PortFor(test, conditions, count, context));
    }
}
