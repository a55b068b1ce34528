namespace ActorCampaigns.Domain.Expressions;

/// <summary>Parse and type-check in one step: the way the rest of the product reads an expression.</summary>
public static class Expression
{
    public static (Bound? Bound, ExpressionError? Error) Check(string text, BindingScope scope)
    {
        var (syntax, error) = Parser.Parse(text);
        return syntax is null ? (null, error) : Binder.Bind(syntax, scope);
    }

    /// <summary>A filter must be bool; an empty filter keeps every profile and is returned as null.</summary>
    public static (Bound? Bound, ExpressionError? Error) CheckFilter(string text, BindingScope scope)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (null, null);
        var (bound, error) = Check(text, scope);
        if (bound is not null && bound.Type is not (ExprType.Bool or ExprType.Null))
            return (null, new ExpressionError(1, $"a filter must be a condition (bool), this expression is {ExprTypes.Name(bound.Type)}"));
        return (bound, error);
    }
}
