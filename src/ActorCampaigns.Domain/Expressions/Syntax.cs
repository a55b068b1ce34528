namespace ActorCampaigns.Domain.Expressions;

/// <summary>An expression as written, before names and types are resolved. <see cref="Column"/> is 1-based.</summary>
public abstract record Syntax(int Column)
{
    /// <summary>Height of the tree below and including this node; bounded by the parser.</summary>
    public abstract int Depth { get; }
}

public enum LiteralKind { String, Integer, Decimal, Bool, Null }

public sealed record LiteralSyntax(int Column, LiteralKind Kind, object? Value) : Syntax(Column)
{
    public override int Depth => 1;
}

/// <summary>An attribute of the profile or a column of the population.</summary>
public sealed record NameSyntax(int Column, string Name) : Syntax(Column)
{
    public override int Depth => 1;
}

/// <summary><c>vars.name</c>.</summary>
public sealed record VariableSyntax(int Column, string Name) : Syntax(Column)
{
    public override int Depth => 1;
}

public sealed record UnarySyntax(int Column, string Operator, Syntax Operand) : Syntax(Column)
{
    public override int Depth => Operand.Depth + 1;
}

public sealed record BinarySyntax(int Column, string Operator, Syntax Left, Syntax Right) : Syntax(Column)
{
    public override int Depth { get; } = Math.Max(Left.Depth, Right.Depth) + 1;
}

public sealed record InSyntax(int Column, Syntax Operand, IReadOnlyList<Syntax> Items, bool Negated) : Syntax(Column)
{
    public override int Depth { get; } = Items.Append(Operand).Max(s => s.Depth) + 1;
}

public sealed record BetweenSyntax(int Column, Syntax Operand, Syntax Low, Syntax High, bool Negated) : Syntax(Column)
{
    public override int Depth { get; } = Math.Max(Operand.Depth, Math.Max(Low.Depth, High.Depth)) + 1;
}

public sealed record LikeSyntax(int Column, Syntax Operand, Syntax Pattern, bool Negated) : Syntax(Column)
{
    public override int Depth { get; } = Math.Max(Operand.Depth, Pattern.Depth) + 1;
}

public sealed record IsNullSyntax(int Column, Syntax Operand, bool Negated) : Syntax(Column)
{
    public override int Depth => Operand.Depth + 1;
}

public sealed record CallSyntax(int Column, string Name, IReadOnlyList<Syntax> Arguments) : Syntax(Column)
{
    public override int Depth { get; } = Arguments.Count == 0 ? 1 : Arguments.Max(a => a.Depth) + 1;
}

/// <summary>A named argument of a call, <c>machine: true</c>; only after the positional ones.</summary>
public sealed record NamedArgumentSyntax(int Column, string Name, Syntax Value) : Syntax(Column)
{
    public override int Depth => Value.Depth + 1;
}
