namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// What an expression is evaluated with besides the row: the time taken as <c>now()</c>
/// (from the injectable clock, one instant for the whole evaluation) and the variable values.
/// </summary>
public sealed record EvaluationContext(DateTime Now, IReadOnlyDictionary<string, object?> Variables)
{
    public static EvaluationContext At(DateTime now) => new(now, new Dictionary<string, object?>());
}
