using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Engine.Activities;

/// <summary>
/// A test sends its whole population through the port of the first condition that holds for the population's
/// <c>count</c> and the execution's variables, or through <c>default</c> when none does.
/// </summary>
public static class TestOperation
{
    /// <param name="conditions">The bound <c>when</c> of each condition, in order.</param>
    public static string PortFor(TestActivity test, IReadOnlyList<Bound> conditions, long count, EvaluationContext context)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var holds = Evaluator.Compile(conditions[i], context, _ => _ => count)(0);
            if (holds is true)
                return test.Conditions[i].Name;
        }
        return TestActivity.DefaultPort;
    }
}
