using System.Numerics;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// Evaluates a bound expression over the rows of a population in memory, with SQL's three-valued
/// logic: a comparison with null is null, and a filter keeps the rows where the result is true.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Builds a function of the row index. <paramref name="column"/> gives, for a column name, the
    /// function reading that column's value for a row.
    /// </summary>
    public static Func<int, object?> Compile(Bound expression, EvaluationContext context, Func<string, Func<int, object?>> column) =>
        new Compiler(context, column).Build(expression);

    private sealed class Compiler(EvaluationContext context, Func<string, Func<int, object?>> column)
    {
        public Func<int, object?> Build(Bound node)
        {
            switch (node)
            {
                case BoundLiteral literal:
                    var value = literal.Value;
                    return _ => value;
                case BoundColumn c:
                    return column(c.Name);
                case BoundVariable variable:
                    var variableValue = context.Variables.GetValueOrDefault(variable.Name);
                    return _ => variableValue;
                case BoundNow:
                    var now = context.Now;
                    return _ => now;
                case BoundDateToTimestamp promote:
                    var date = Build(promote.Operand);
                    return row => date(row) is DateOnly d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null;
                case BoundUnary { Operator: UnaryOperator.Not } not:
                    var operand = Build(not.Operand);
                    return row => operand(row) is bool b ? !b : null;
                case BoundUnary negate:
                    var number = Build(negate.Operand);
                    return row => number(row) switch { long l => -l, double d => -d, _ => null };
                case BoundBinary { Operator: BinaryOperator.And } and:
                    return Logical(Build(and.Left), Build(and.Right), stopOn: false);
                case BoundBinary { Operator: BinaryOperator.Or } or:
                    return Logical(Build(or.Left), Build(or.Right), stopOn: true);
                case BoundBinary binary when binary.Operator >= BinaryOperator.Add:
                    return Arithmetic(binary);
                case BoundBinary comparison:
                    return Comparison(comparison);
                case BoundIn @in:
                    return In(@in);
                case BoundBetween between:
                    var (x, low, high) = (Build(between.Operand), Build(between.Low), Build(between.High));
                    return row =>
                    {
                        var v = x(row);
                        var result = And(Compare(v, low(row)) is { } l ? l >= 0 : null, Compare(v, high(row)) is { } h ? h <= 0 : null);
                        return between.Negated ? Not(result) : result;
                    };
                case BoundLike like:
                    var (text, pattern) = (Build(like.Operand), Build(like.Pattern));
                    return row => text(row) is string t && pattern(row) is string p && BoundLike.PatternFits(p) ? Like(t, p) != like.Negated : null;
                case BoundIsNull isNull:
                    var tested = Build(isNull.Operand);
                    return row => (tested(row) is null) != isNull.Negated;
                case BoundCall call:
                    return Call(call);
                default:
                    throw new NotSupportedException($"{node.GetType().Name} is read from feedback events by the database, not evaluated in memory");
            }
        }

        private static Func<int, object?> Logical(Func<int, object?> left, Func<int, object?> right, bool stopOn) => row =>
        {
            var l = left(row) as bool?;
            if (l == stopOn)
                return stopOn;
            var r = right(row) as bool?;
            if (r == stopOn)
                return stopOn;
            return l is null || r is null ? null : !stopOn;
        };

        private Func<int, object?> Arithmetic(BoundBinary binary)
        {
            var (left, right) = (Build(binary.Left), Build(binary.Right));
            var op = binary.Operator;
            if (binary.Type == ExprType.Int)
                return row => left(row) is long a && right(row) is long b ? Apply(op, a, b) : null;
            return row => AsDouble(left(row)) is { } a && AsDouble(right(row)) is { } b ? Apply(op, a, b) : null;
        }

        /// <summary>
        /// Whole numbers stay whole (7 / 2 = 3, as in SQL); division by zero is null, as SQLite gives. A whole result
        /// beyond 64 bits is null too (SQLite would give a float, PostgreSQL an error).
        /// </summary>
        private static object? Apply<T>(BinaryOperator op, T a, T b) where T : INumber<T>
        {
            try
            {
                return op switch
                {
                    BinaryOperator.Add => checked(a + b),
                    BinaryOperator.Subtract => checked(a - b),
                    BinaryOperator.Multiply => checked(a * b),
                    _ => T.IsZero(b) ? null : checked(a / b),
                };
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private Func<int, object?> Comparison(BoundBinary comparison)
        {
            var (left, right) = (Build(comparison.Left), Build(comparison.Right));
            var op = comparison.Operator;
            return row => Compare(left(row), right(row)) is not { } c
                ? null
                : op switch
                {
                    BinaryOperator.Equal => c == 0,
                    BinaryOperator.NotEqual => c != 0,
                    BinaryOperator.Less => c < 0,
                    BinaryOperator.LessOrEqual => c <= 0,
                    BinaryOperator.Greater => c > 0,
                    _ => c >= 0,
                };
        }

        private Func<int, object?> In(BoundIn @in)
        {
            var operand = Build(@in.Operand);
            var items = @in.Items.Select(Build).ToArray();
            return row =>
            {
                var v = operand(row);
                if (v is null)
                    return null;
                bool? result = false;
                foreach (var item in items)
                {
                    var c = Compare(v, item(row));
                    if (c == 0)
                    {
                        result = true;
                        break;
                    }
                    if (c is null)
                        result = null;
                }
                return @in.Negated ? Not(result) : result;
            };
        }

        private Func<int, object?> Call(BoundCall call)
        {
            var args = call.Arguments.Select(Build).ToArray();
            switch (call.Function)
            {
                case Function.Lower:
                    return row => args[0](row) is string s ? AsciiLower(s) : null;
                case Function.Upper:
                    return row => args[0](row) is string s ? AsciiUpper(s) : null;
                case Function.Length:
                    return row => args[0](row) is string s ? (long)s.EnumerateRunes().Count() : null;
                case Function.Contains:
                    return row => args[0](row) is string s && args[1](row) is string p ? s.Contains(p, StringComparison.Ordinal) : null;
                case Function.StartsWith:
                    return row => args[0](row) is string s && args[1](row) is string p ? s.StartsWith(p, StringComparison.Ordinal) : null;
                default:
                    var now = context.Now;
                    var (fewest, most) = context.DaysAgoRange;
                    return row => args[0](row) is long days && days >= fewest && days <= most ? now.AddTicks(-days * TimeSpan.TicksPerDay) : null;
            }
        }
    }

    private static bool? Not(bool? value) => value is null ? null : !value;

    private static bool? And(bool? left, bool? right) =>
        left == false || right == false ? false : left is null || right is null ? null : true;

    private static double? AsDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        _ => null,
    };

    /// <summary>Orders two non-null values of compatible types; null when either is null.</summary>
    public static int? Compare(object? left, object? right) => (left, right) switch
    {
        (null, _) or (_, null) => null,
        (long a, long b) => a.CompareTo(b),
        (long or double, long or double) => AsDouble(left)!.Value.CompareTo(AsDouble(right)!.Value),
        (string a, string b) => CompareCodePoints(a, b),
        (bool a, bool b) => a.CompareTo(b),
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        (DateTime a, DateTime b) => a.Ticks.CompareTo(b.Ticks),
        _ => throw new InvalidOperationException($"cannot compare {left.GetType().Name} with {right.GetType().Name}"),
    };

    /// <summary>Code-point order, which is the byte order of UTF-8 that SQLite and PostgreSQL's "C" collation use.</summary>
    public static int CompareCodePoints(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
                return Fixup(a[i]).CompareTo(Fixup(b[i]));
        }
        return a.Length.CompareTo(b.Length);

        // Surrogates (U+D800..DFFF) stand for code points above U+FFFF, so they sort after U+E000..FFFF.
        static int Fixup(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
    }

    private static string AsciiLower(string s) => string.Create(s.Length, s, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + 32) : source[i];
    });

    private static string AsciiUpper(string s) => string.Create(s.Length, s, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            span[i] = char.IsAsciiLetterLower(source[i]) ? (char)(source[i] - 32) : source[i];
    });

    /// <summary>SQL like: <c>%</c> any run, <c>_</c> one character, ASCII letters case-insensitive, no escape.</summary>
    public static bool Like(string text, string pattern)
    {
        var t = AsciiLower(text).EnumerateRunes().ToArray();
        var p = AsciiLower(pattern).EnumerateRunes().ToArray();
        int ti = 0, pi = 0, starP = -1, starT = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && (p[pi].Value == '_' || (p[pi].Value != '%' && p[pi] == t[ti])))
            {
                ti++;
                pi++;
            }
            else if (pi < p.Length && p[pi].Value == '%')
            {
                starP = pi++;
                starT = ti;
            }
            else if (starP >= 0)
            {
                pi = starP + 1;
                ti = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.Length && p[pi].Value == '%')
            pi++;
        return pi == p.Length;
    }
}
