namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// What an expression is evaluated with besides the row: the time taken as <c>now()</c>
/// (from the injectable clock, one instant for the whole evaluation), the variable values, and the execution it runs
/// in, whose messages feedback predicates naming an activity (<c>opened('mail')</c>) look at.
/// </summary>
public sealed record EvaluationContext(DateTime Now, IReadOnlyDictionary<string, object?> Variables, ExecutionScope? Execution = null)
{
    public static EvaluationContext At(DateTime now) => new(now, new Dictionary<string, object?>());

    /// <summary>The <c>n</c> for which <c>daysAgo(n)</c> falls within years 1 to 9999; beyond, <c>daysAgo(n)</c> is null.</summary>
    public (long Fewest, long Most) DaysAgoRange =>
        (-((DateTime.MaxValue.Ticks - Now.Ticks) / TimeSpan.TicksPerDay), (Now.Ticks - DateTime.MinValue.Ticks) / TimeSpan.TicksPerDay);
}

/// <summary>One execution of one campaign, as feedback events name it.</summary>
public sealed record ExecutionScope(string Campaign, string Execution);
