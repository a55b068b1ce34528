namespace ActorCampaigns.Domain.Expressions;

/// <summary>A problem in an expression, at a 1-based column of its text.</summary>
public sealed record ExpressionError(int Column, string Message)
{
    public override string ToString() => $"column {Column}: {Message}";
}

/// <summary>Stops parsing or binding at the first error; caught at the edge and turned into an <see cref="ExpressionError"/>.</summary>
internal sealed class ExpressionException(int column, string message) : Exception(message)
{
    public ExpressionError Error { get; } = new(column, message);
}
