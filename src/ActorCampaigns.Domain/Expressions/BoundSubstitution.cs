namespace ActorCampaigns.Domain.Expressions;

/// <summary>Rewrites the column references of a bound expression, such as an enrich column into the expression computing it.</summary>
public static class BoundSubstitution
{
    /// <param name="replacement">The expression standing for a column, or null to keep the column.</param>
    public static Bound Replace(Bound expression, Func<BoundColumn, Bound?> replacement)
    {
        Bound Of(Bound e) => Replace(e, replacement);
        return expression switch
        {
            BoundColumn column => replacement(column) ?? column,
            BoundDateToTimestamp promote => promote with { Operand = Of(promote.Operand) },
            BoundUnary unary => unary with { Operand = Of(unary.Operand) },
            BoundBinary binary => binary with { Left = Of(binary.Left), Right = Of(binary.Right) },
            BoundIn @in => @in with { Operand = Of(@in.Operand), Items = @in.Items.Select(Of).ToList() },
            BoundBetween between => between with { Operand = Of(between.Operand), Low = Of(between.Low), High = Of(between.High) },
            BoundLike like => like with { Operand = Of(like.Operand), Pattern = Of(like.Pattern) },
            BoundIsNull isNull => isNull with { Operand = Of(isNull.Operand) },
            BoundCall call => call with { Arguments = call.Arguments.Select(Of).ToList() },
            _ => expression,
        };
    }
}
