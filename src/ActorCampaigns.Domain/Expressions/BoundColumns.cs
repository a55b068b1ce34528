namespace ActorCampaigns.Domain.Expressions;

/// <summary>The columns an expression reads, so an activity loads exactly those for its population.</summary>
public static class BoundColumns
{
    public static IEnumerable<string> Of(Bound? expression) => expression switch
    {
        null => [],
        BoundColumn column => [column.Name],
        BoundDateToTimestamp promote => Of(promote.Operand),
        BoundUnary unary => Of(unary.Operand),
        BoundBinary binary => Of(binary.Left).Concat(Of(binary.Right)),
        BoundIn @in => Of(@in.Operand).Concat(@in.Items.SelectMany(Of)),
        BoundBetween between => Of(between.Operand).Concat(Of(between.Low)).Concat(Of(between.High)),
        BoundLike like => Of(like.Operand).Concat(Of(like.Pattern)),
        BoundIsNull isNull => Of(isNull.Operand),
        BoundCall call => call.Arguments.SelectMany(Of),
        _ => [],
    };
}
