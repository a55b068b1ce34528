using System.Globalization;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// Recursive descent over the grammar of contract section 3, lowest precedence first:
/// or, and, not, comparison (= != &lt;&gt; &lt; &lt;= &gt; &gt;=, in, between, like, is null), + -, * /, unary -.
/// Nesting is bounded so hostile input gives an error, never a stack overflow.
/// </summary>
public sealed class Parser
{
    public const int MaxDepth = 64;
    public const int MaxLength = 65_536;
    public const int MaxListItems = 1_000;

    /// <summary>Literals per expression: each is a SQL parameter, and SQLite takes at most 32,766 per statement.</summary>
    public const int MaxValues = 10_000;

    /// <summary>
    /// Characters of a <c>like</c> pattern (SQLite refuses patterns over 50,000 bytes at run time). A literal pattern
    /// over it is a validation error; a pattern read at run time over it matches nothing (null).
    /// </summary>
    public const int MaxLikePattern = 1_000;

    private readonly List<Token> _tokens;
    private int _position;
    private int _nesting;
    private int _values;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses <paramref name="text"/>; on failure returns null and the first error with its column.</summary>
    public static (Syntax? Syntax, ExpressionError? Error) Parse(string text)
    {
        if (text.Length > MaxLength)
            return (null, new ExpressionError(MaxLength + 1, $"expression is longer than {MaxLength} characters"));
        try
        {
            var parser = new Parser(Lexer.Tokenize(text));
            var syntax = parser.ParseExpression();
            var next = parser.Current;
            if (next.Kind != TokenKind.End)
                throw new ExpressionException(next.Column, $"unexpected {next.Describe()} after a complete expression");
            return (syntax, null);
        }
        catch (ExpressionException e)
        {
            return (null, e.Error);
        }
    }

    private Token Current => _tokens[_position];

    private Token Advance() => _tokens[_position++];

    private Syntax ParseExpression() => ParseOr();

    private Syntax ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("or"))
        {
            var op = Advance();
            left = Bounded(new BinarySyntax(op.Column, "or", left, ParseAnd()));
        }
        return left;
    }

    private Syntax ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsKeyword("and"))
        {
            var op = Advance();
            left = Bounded(new BinarySyntax(op.Column, "and", left, ParseNot()));
        }
        return left;
    }

    private Syntax ParseNot()
    {
        if (!Current.IsKeyword("not"))
            return ParseComparison();
        var op = Advance();
        return Bounded(new UnarySyntax(op.Column, "not", Nested(ParseNot)));
    }

    private Syntax ParseComparison()
    {
        var left = ParseAdditive();
        var token = Current;
        if (token.Kind == TokenKind.Symbol && token.Text is "=" or "!=" or "<>" or "<" or "<=" or ">" or ">=")
        {
            Advance();
            var op = token.Text == "<>" ? "!=" : token.Text;
            return Bounded(new BinarySyntax(token.Column, op, left, ParseAdditive()));
        }
        if (token.IsKeyword("is"))
        {
            Advance();
            var negated = Accept("not");
            Expect("null", "'null' after 'is'");
            return Bounded(new IsNullSyntax(token.Column, left, negated));
        }
        var negatedOperator = token.IsKeyword("not") && _tokens[_position + 1].Kind == TokenKind.Keyword
            && _tokens[_position + 1].Text.ToLowerInvariant() is "in" or "between" or "like";
        if (negatedOperator)
            Advance();
        var operatorToken = Current;
        if (operatorToken.IsKeyword("in"))
        {
            Advance();
            return Bounded(new InSyntax(operatorToken.Column, left, ParseList(), negatedOperator));
        }
        if (operatorToken.IsKeyword("between"))
        {
            Advance();
            var low = ParseAdditive();
            Expect("and", "'and' between the bounds of 'between'");
            return Bounded(new BetweenSyntax(operatorToken.Column, left, low, ParseAdditive(), negatedOperator));
        }
        if (operatorToken.IsKeyword("like"))
        {
            Advance();
            return Bounded(new LikeSyntax(operatorToken.Column, left, ParseAdditive(), negatedOperator));
        }
        return left;
    }

    private IReadOnlyList<Syntax> ParseList()
    {
        ExpectSymbol("(", "'(' to open the list after 'in'");
        var items = new List<Syntax> { Nested(ParseExpression) };
        while (Current.IsSymbol(","))
        {
            Advance();
            if (items.Count == MaxListItems)
                throw new ExpressionException(Current.Column, $"a list has more than {MaxListItems} items");
            items.Add(Nested(ParseExpression));
        }
        ExpectSymbol(")", "')' to close the list");
        return items;
    }

    private Syntax ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.IsSymbol("+") || Current.IsSymbol("-"))
        {
            var op = Advance();
            left = Bounded(new BinarySyntax(op.Column, op.Text, left, ParseMultiplicative()));
        }
        return left;
    }

    private Syntax ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.IsSymbol("*") || Current.IsSymbol("/"))
        {
            var op = Advance();
            left = Bounded(new BinarySyntax(op.Column, op.Text, left, ParseUnary()));
        }
        return left;
    }

    private Syntax ParseUnary()
    {
        if (!Current.IsSymbol("-"))
            return ParsePrimary();
        var op = Advance();
        return Bounded(new UnarySyntax(op.Column, "-", Nested(ParseUnary)));
    }

    private Syntax ParsePrimary()
    {
        var token = Advance();
        var isValue = token.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Decimal || token.IsKeyword("true") || token.IsKeyword("false");
        if (isValue && ++_values > MaxValues)
            throw new ExpressionException(token.Column, $"expression has more than {MaxValues} values");
        switch (token.Kind)
        {
            case TokenKind.String:
                return new LiteralSyntax(token.Column, LiteralKind.String, token.Text);
            case TokenKind.Integer:
                if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                    throw new ExpressionException(token.Column, $"integer {token.Text} is too large");
                return new LiteralSyntax(token.Column, LiteralKind.Integer, integer);
            case TokenKind.Decimal:
                var number = double.Parse(token.Text, CultureInfo.InvariantCulture);
                return double.IsFinite(number)
                    ? new LiteralSyntax(token.Column, LiteralKind.Decimal, number)
                    : throw new ExpressionException(token.Column, $"number {token.Text[..Math.Min(token.Text.Length, 20)]}... is too large");
            case TokenKind.Keyword when token.IsKeyword("true") || token.IsKeyword("false"):
                return new LiteralSyntax(token.Column, LiteralKind.Bool, token.IsKeyword("true"));
            case TokenKind.Keyword when token.IsKeyword("null"):
                return new LiteralSyntax(token.Column, LiteralKind.Null, null);
            case TokenKind.Symbol when token.Text == "(":
                var inner = Nested(ParseExpression);
                ExpectSymbol(")", "')' to close the parenthesis");
                return inner;
            case TokenKind.Identifier when token.Text == "vars":
                ExpectSymbol(".", "'.' and a variable name after 'vars'");
                var name = Advance();
                if (name.Kind != TokenKind.Identifier)
                    throw new ExpressionException(name.Column, $"expected a variable name after 'vars.', found {name.Describe()}");
                return new VariableSyntax(token.Column, name.Text);
            case TokenKind.Identifier when token.Text == BindingScope.LinkedProfile && Current.IsSymbol("."):
                Advance();
                var attribute = Advance();
                if (attribute.Kind != TokenKind.Identifier)
                    throw new ExpressionException(attribute.Column, $"expected an attribute of the profile after '{BindingScope.LinkedProfile}.', found {attribute.Describe()}");
                return new NameSyntax(token.Column, $"{BindingScope.LinkedProfile}.{attribute.Text}");
            case TokenKind.Identifier when Current.IsSymbol("("):
                Advance();
                var arguments = new List<Syntax>();
                if (!Current.IsSymbol(")"))
                {
                    arguments.Add(Nested(ParseArgument));
                    while (Current.IsSymbol(","))
                    {
                        Advance();
                        arguments.Add(Nested(ParseArgument));
                    }
                }
                if (arguments.SkipWhile(a => a is not NamedArgumentSyntax).FirstOrDefault(a => a is not NamedArgumentSyntax) is { } late)
                    throw new ExpressionException(late.Column, $"a positional argument of {token.Text} comes after a named one");
                ExpectSymbol(")", $"')' to close the arguments of {token.Text}");
                return Bounded(new CallSyntax(token.Column, token.Text, arguments));
            case TokenKind.Identifier:
                return new NameSyntax(token.Column, token.Text);
            default:
                throw new ExpressionException(token.Column, $"expected a value, an attribute or '(', found {token.Describe()}");
        }
    }

    /// <summary>An argument of a call: an expression, or a name, ':' and an expression (<c>machine: true</c>).</summary>
    private Syntax ParseArgument()
    {
        if (Current.Kind != TokenKind.Identifier || !_tokens[_position + 1].IsSymbol(":"))
            return ParseExpression();
        var name = Advance();
        Advance();
        return new NamedArgumentSyntax(name.Column, name.Text, ParseExpression());
    }

    private Syntax Nested(Func<Syntax> parse)
    {
        if (++_nesting > MaxDepth)
            throw new ExpressionException(Current.Column, $"expression is nested deeper than {MaxDepth} levels");
        var result = parse();
        _nesting--;
        return result;
    }

    private static Syntax Bounded(Syntax syntax) => syntax.Depth <= MaxDepth * 2
        ? syntax
        : throw new ExpressionException(syntax.Column, $"expression is nested deeper than {MaxDepth * 2} operators");

    private bool Accept(string keyword)
    {
        if (!Current.IsKeyword(keyword))
            return false;
        Advance();
        return true;
    }

    private void Expect(string keyword, string what)
    {
        if (!Accept(keyword))
            throw new ExpressionException(Current.Column, $"expected {what}, found {Current.Describe()}");
    }

    private void ExpectSymbol(string symbol, string what)
    {
        if (!Current.IsSymbol(symbol))
            throw new ExpressionException(Current.Column, $"expected {what}, found {Current.Describe()}");
        Advance();
    }
}
