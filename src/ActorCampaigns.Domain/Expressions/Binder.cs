using System.Globalization;
using ActorCampaigns.Domain.Time;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>Resolves names and checks types against a <see cref="BindingScope"/>; the first problem is reported with its column.</summary>
public sealed class Binder
{
    private static readonly Dictionary<string, FeedbackKind> FeedbackFunctions = new(StringComparer.Ordinal)
    {
        ["sent"] = FeedbackKind.Sent,
        ["delivered"] = FeedbackKind.Delivered,
        ["opened"] = FeedbackKind.Opened,
        ["clicked"] = FeedbackKind.Clicked,
        ["bounced"] = FeedbackKind.Bounced,
        ["unsubscribed"] = FeedbackKind.Unsubscribed,
    };

    private static readonly string KnownFunctions =
        "date, timestamp, now, daysAgo, lower, upper, length, contains, startsWith, sent, delivered, opened, clicked, bounced, unsubscribed, did, count, sum";

    private readonly BindingScope _scope;

    private Binder(BindingScope scope) => _scope = scope;

    public static (Bound? Bound, ExpressionError? Error) Bind(Syntax syntax, BindingScope scope)
    {
        try
        {
            return (new Binder(scope).BindNode(syntax), null);
        }
        catch (ExpressionException e)
        {
            return (null, e.Error);
        }
    }

    private Bound BindNode(Syntax syntax) => syntax switch
    {
        LiteralSyntax literal => BindLiteral(literal),
        NameSyntax name => BindName(name),
        VariableSyntax variable => _scope.Variables.TryGetValue(variable.Name, out var type)
            ? new BoundVariable(type, variable.Name)
            : throw Error(variable, $"unknown variable 'vars.{variable.Name}'" + Known(_scope.Variables.Keys.Select(k => "vars." + k))),
        UnarySyntax unary => BindUnary(unary),
        BinarySyntax binary => BindBinary(binary),
        InSyntax @in => BindIn(@in),
        BetweenSyntax between => BindBetween(between),
        LikeSyntax like => BindLike(like),
        IsNullSyntax isNull => new BoundIsNull(BindNode(isNull.Operand), isNull.Negated),
        CallSyntax call => BindCall(call),
        _ => throw new ArgumentOutOfRangeException(nameof(syntax)),
    };

    private static BoundLiteral BindLiteral(LiteralSyntax literal) => literal.Kind switch
    {
        LiteralKind.String => new BoundLiteral(ExprType.String, literal.Value),
        LiteralKind.Integer => new BoundLiteral(ExprType.Int, literal.Value),
        LiteralKind.Decimal => new BoundLiteral(ExprType.Number, literal.Value),
        LiteralKind.Bool => new BoundLiteral(ExprType.Bool, literal.Value),
        _ => new BoundLiteral(ExprType.Null, null),
    };

    private BoundColumn BindName(NameSyntax name)
    {
        if (_scope.Columns.TryGetValue(name.Name, out var type))
            return new BoundColumn(type, name.Name);
        var sameButCase = _scope.Columns.Keys.FirstOrDefault(k => string.Equals(k, name.Name, StringComparison.OrdinalIgnoreCase));
        var hint = sameButCase is null ? "" : $"; did you mean '{sameButCase}'? (names are case-sensitive)";
        throw Error(name, $"unknown attribute '{name.Name}'{hint}");
    }

    private Bound BindUnary(UnarySyntax unary)
    {
        if (unary.Operator == "not")
            return new BoundUnary(ExprType.Bool, UnaryOperator.Not, Expect(unary.Operand, ExprType.Bool, "the operand of 'not'"));
        var operand = BindNode(unary.Operand);
        if (!ExprTypes.IsNumeric(operand.Type) && operand.Type != ExprType.Null)
            throw Error(unary, $"'-' needs a number, found {ExprTypes.Name(operand.Type)}");
        return new BoundUnary(operand.Type == ExprType.Null ? ExprType.Int : operand.Type, UnaryOperator.Negate, Coerce(operand, ExprType.Int));
    }

    private Bound BindBinary(BinarySyntax binary)
    {
        switch (binary.Operator)
        {
            case "and" or "or":
                var op = binary.Operator == "and" ? BinaryOperator.And : BinaryOperator.Or;
                return new BoundBinary(ExprType.Bool, op,
                    Expect(binary.Left, ExprType.Bool, $"the left side of '{binary.Operator}'"),
                    Expect(binary.Right, ExprType.Bool, $"the right side of '{binary.Operator}'"));
            case "+" or "-" or "*" or "/":
                return BindArithmetic(binary);
            default:
                var (left, right) = Comparable(binary, BindNode(binary.Left), BindNode(binary.Right), binary.Operator);
                var comparison = binary.Operator switch
                {
                    "=" => BinaryOperator.Equal,
                    "!=" => BinaryOperator.NotEqual,
                    "<" => BinaryOperator.Less,
                    "<=" => BinaryOperator.LessOrEqual,
                    ">" => BinaryOperator.Greater,
                    _ => BinaryOperator.GreaterOrEqual,
                };
                if (left.Type == ExprType.Bool && comparison is not (BinaryOperator.Equal or BinaryOperator.NotEqual))
                    throw Error(binary, $"'{binary.Operator}' does not order bool values; use = or !=");
                return new BoundBinary(ExprType.Bool, comparison, left, right);
        }
    }

    private Bound BindArithmetic(BinarySyntax binary)
    {
        var left = BindNode(binary.Left);
        var right = BindNode(binary.Right);
        foreach (var side in new[] { left, right })
        {
            if (!ExprTypes.IsNumeric(side.Type) && side.Type != ExprType.Null)
                throw Error(binary, $"'{binary.Operator}' needs numbers, found {ExprTypes.Name(side.Type)}");
        }
        var type = left.Type == ExprType.Number || right.Type == ExprType.Number ? ExprType.Number : ExprType.Int;
        var op = binary.Operator switch
        {
            "+" => BinaryOperator.Add,
            "-" => BinaryOperator.Subtract,
            "*" => BinaryOperator.Multiply,
            _ => BinaryOperator.Divide,
        };
        return new BoundBinary(type, op, Coerce(left, type), Coerce(right, type));
    }

    private BoundIn BindIn(InSyntax @in)
    {
        var operand = BindNode(@in.Operand);
        var items = @in.Items.Select(BindNode).ToList();
        var common = items.Aggregate(operand.Type, (type, item) => Common(@in, type, item.Type, "in"));
        if (common == ExprType.Bool)
            throw Error(@in, "'in' does not take bool values; use = or !=");
        return new BoundIn(Coerce(operand, common), items.Select(i => Coerce(i, common)).ToList(), @in.Negated);
    }

    private BoundBetween BindBetween(BetweenSyntax between)
    {
        var operand = BindNode(between.Operand);
        var low = BindNode(between.Low);
        var high = BindNode(between.High);
        var common = Common(between, Common(between, operand.Type, low.Type, "between"), high.Type, "between");
        if (common == ExprType.Bool)
            throw Error(between, "'between' does not order bool values");
        return new BoundBetween(Coerce(operand, common), Coerce(low, common), Coerce(high, common), between.Negated);
    }

    private BoundLike BindLike(LikeSyntax like)
    {
        var operand = Expect(like.Operand, ExprType.String, "the left side of 'like'");
        if (like.Pattern is LiteralSyntax { Value: string pattern } && !BoundLike.PatternFits(pattern))
            throw Error(like.Pattern, $"a 'like' pattern is longer than {Parser.MaxLikePattern} characters");
        return new BoundLike(operand, Expect(like.Pattern, ExprType.String, "the pattern of 'like'"), like.Negated);
    }

    private Bound BindCall(CallSyntax call)
    {
        if (call.Arguments.OfType<NamedArgumentSyntax>().FirstOrDefault() is { } named && call.Name is not ("opened" or "clicked"))
            throw Error(named, $"{call.Name} takes no named argument '{named.Name}'; 'machine:' is an argument of opened(...) and clicked(...)");
        if (FeedbackFunctions.TryGetValue(call.Name, out var kind))
            return BindFeedback(call, kind);
        switch (call.Name)
        {
            case "date":
                var dateText = LiteralArgument(call, 1);
                return DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? new BoundLiteral(ExprType.Date, date)
                    : throw Error(call.Arguments[0], $"'{dateText}' is not a date in the form YYYY-MM-DD");
            case "timestamp":
                var timestampText = LiteralArgument(call, 1);
                return Timestamps.TryParse(timestampText, out var timestamp)
                    ? new BoundLiteral(ExprType.Timestamp, timestamp)
                    : throw Error(call.Arguments[0], $"'{timestampText}' is not an ISO 8601 timestamp such as 2024-01-31T09:00:00Z");
            case "now":
                Arity(call, 0);
                return new BoundNow();
            case "daysAgo":
                Arity(call, 1);
                return new BoundCall(ExprType.Timestamp, Function.DaysAgo, [Expect(call.Arguments[0], ExprType.Int, "the argument of daysAgo")]);
            case "lower" or "upper" or "length":
                Arity(call, 1);
                var function = call.Name switch { "lower" => Function.Lower, "upper" => Function.Upper, _ => Function.Length };
                return new BoundCall(function == Function.Length ? ExprType.Int : ExprType.String, function,
                    [Expect(call.Arguments[0], ExprType.String, $"the argument of {call.Name}")]);
            case "contains" or "startsWith":
                Arity(call, 2);
                return new BoundCall(ExprType.Bool, call.Name == "contains" ? Function.Contains : Function.StartsWith,
                [
                    Expect(call.Arguments[0], ExprType.String, $"the first argument of {call.Name}"),
                    Expect(call.Arguments[1], ExprType.String, $"the second argument of {call.Name}"),
                ]);
            case "did":
                return BindConversion(call);
            case "count" when call.Arguments is [CallSyntax { Name: "did" } conversion]:
                return new BoundConversionAggregate(BindConversion(conversion), Sum: false);
            case "sum":
                Arity(call, 2);
                if (call.Arguments[0] is not CallSyntax { Name: "did" } summed || call.Arguments[1] is not NameSyntax { Name: "value" })
                    throw Error(call, "sum(...) takes what a profile did and its value: sum(did('purchase', 'P30D'), value)");
                return new BoundConversionAggregate(BindConversion(summed), Sum: true);
            case "count":
                if (!_scope.AllowsAggregates)
                    throw Error(call, "count(...) of feedback is allowed in enrich columns only");
                Arity(call, 1);
                if (call.Arguments[0] is not CallSyntax { } inner || !FeedbackFunctions.TryGetValue(inner.Name, out var innerKind))
                    throw Error(call.Arguments[0], "count(...) takes a feedback predicate such as opened('*', 'P30D') or did('purchase', 'P30D')");
                return new BoundFeedbackCount(BindFeedback(inner, innerKind));
            default:
                throw Error(call, $"unknown function '{call.Name}'; known functions: {KnownFunctions}");
        }
    }

    /// <summary><c>did('name')</c> or <c>did('name', 'P7D')</c>: over profiles only, a name as conversion events have, a window as feedback predicates have.</summary>
    private BoundConversion BindConversion(CallSyntax call)
    {
        if (!_scope.OverProfiles)
            throw Error(call, "did(...) asks what a profile did, and is allowed only in expressions over profiles");
        if (call.Arguments.Count is < 1 or > 2)
            throw Error(call, "did takes an event name such as 'purchase' and an optional window such as 'P7D'");
        var name = LiteralArgument(call, call.Arguments.Count, 0);
        if (!ConversionEvents.IsName(name))
            throw Error(call.Arguments[0], $"'{name}' is not an event name (a letter, then letters, digits, '_', '.' or '-')");
        TimeSpan? window = null;
        if (call.Arguments.Count == 2)
        {
            if (!IsoDuration.TryParse(LiteralArgument(call, 2, 1), out var parsed, out var why))
                throw Error(call.Arguments[1], why);
            window = parsed;
        }
        return new BoundConversion(name, window);
    }

    private BoundFeedback BindFeedback(CallSyntax call, FeedbackKind kind)
    {
        if (_scope.FeedbackActivities is null)
            throw Error(call, $"feedback predicate {call.Name}(...) is not allowed here");
        bool? machine = null;
        foreach (var named in call.Arguments.OfType<NamedArgumentSyntax>())
        {
            if (machine is not null)
                throw Error(named, $"{call.Name} is given 'machine:' twice");
            if (kind is not (FeedbackKind.Opened or FeedbackKind.Clicked))
                throw Error(named, $"{call.Name} takes no named argument '{named.Name}'; 'machine:' is an argument of opened(...) and clicked(...)");
            if (named.Name != "machine" || named.Value is not LiteralSyntax { Kind: LiteralKind.Bool, Value: bool counted })
                throw Error(named, $"{call.Name} takes one named argument, machine: true or false (whether opens and clicks by machines count too)");
            machine = counted;
        }
        call = call with { Arguments = call.Arguments.Where(a => a is not NamedArgumentSyntax).ToList() };
        if (kind == FeedbackKind.Unsubscribed)
        {
            Arity(call, 0);
            return new BoundFeedback(kind, null, null);
        }
        if (call.Arguments.Count is < 1 or > 2)
            throw Error(call, $"{call.Name} takes an activity id (or '*') and an optional window such as 'P7D'");
        var activity = LiteralArgument(call, call.Arguments.Count, 0);
        if (activity != "*" && !_scope.FeedbackActivities.Contains(activity))
            throw Error(call.Arguments[0], $"'{activity}' is not a channel activity of this campaign (or '*' for any campaign)");
        TimeSpan? window = null;
        if (call.Arguments.Count == 2)
        {
            var windowText = LiteralArgument(call, 2, 1);
            if (!IsoDuration.TryParse(windowText, out var parsed, out var why))
                throw Error(call.Arguments[1], why);
            window = parsed;
        }
        return new BoundFeedback(kind, activity, window, machine ?? false);
    }

    private string LiteralArgument(CallSyntax call, int arity, int index = 0)
    {
        Arity(call, arity);
        return call.Arguments[index] is LiteralSyntax { Kind: LiteralKind.String, Value: string text }
            ? text
            : throw Error(call.Arguments[index], $"argument {index + 1} of {call.Name} must be a quoted string");
    }

    private static void Arity(CallSyntax call, int count)
    {
        if (call.Arguments.Count != count)
            throw Error(call, $"{call.Name} takes {count} argument{(count == 1 ? "" : "s")}, found {call.Arguments.Count}");
    }

    private Bound Expect(Syntax syntax, ExprType type, string what)
    {
        var bound = BindNode(syntax);
        if (bound.Type != type && bound.Type != ExprType.Null)
            throw Error(syntax, $"{what} must be {ExprTypes.Name(type)}, found {ExprTypes.Name(bound.Type)}");
        return Coerce(bound, type);
    }

    private static (Bound, Bound) Comparable(Syntax at, Bound left, Bound right, string op)
    {
        var common = Common(at, left.Type, right.Type, op);
        return (Coerce(left, common), Coerce(right, common));
    }

    /// <summary>The type two operands are compared as: numbers together, dates promoted to timestamps, null with anything.</summary>
    private static ExprType Common(Syntax at, ExprType left, ExprType right, string op)
    {
        if (left == right)
            return left;
        if (left == ExprType.Null)
            return right;
        if (right == ExprType.Null)
            return left;
        if (ExprTypes.IsNumeric(left) && ExprTypes.IsNumeric(right))
            return ExprType.Number;
        if (ExprTypes.IsTemporal(left) && ExprTypes.IsTemporal(right))
            return ExprType.Timestamp;
        throw Error(at, $"'{op}' cannot compare {ExprTypes.Name(left)} with {ExprTypes.Name(right)}");
    }

    /// <summary>Gives a bare null the type of its context and promotes a date to a timestamp; integers stay integers.</summary>
    private static Bound Coerce(Bound bound, ExprType type) => bound switch
    {
        BoundLiteral { Type: ExprType.Null } => new BoundLiteral(type, null),
        { Type: ExprType.Date } when type == ExprType.Timestamp => new BoundDateToTimestamp(bound),
        _ => bound,
    };

    private static string Known(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "; no variables are declared" : $"; declared: {string.Join(", ", list)}";
    }

    private static ExpressionException Error(Syntax at, string message) => new(at.Column, message);
}
