using CsCheck;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Domain.Tests.Expressions;

/// <summary>
/// Random text and random soups of the grammar's tokens: parsing and binding never throw (problems are
/// <see cref="ExpressionError"/> values), and whatever binds compiles to SQL that SQLite runs, every literal a parameter,
/// and evaluates in memory without an exception.
/// </summary>
public sealed class ExpressionProperties(SqliteProfiles profiles) : IClassFixture<SqliteProfiles>
{
    private const int Cases = 3_000;

    private static readonly string[] Words =
    [
        "and", "or", "not", "in", "between", "like", "is", "null", "true", "false", "NOT", "Like",
        "(", ")", ",", "=", "!=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", ".", "vars.", "vars.text", "vars.whole", "vars.flag", "vars.none",
        "id", "email", "country", "tier", "score", "ratio", "vip", "joined", "seen", "birthDate", "createdAt", "emailOptIn", "Country", "shoeSize",
        "date(", "timestamp(", "now()", "daysAgo(", "lower(", "upper(", "length(", "contains(", "startsWith(", "frobnicate(",
        "sent(", "delivered(", "opened(", "clicked(", "bounced(", "unsubscribed()", "count(",
        "'mail'", "'*'", "'P7D'", "'PT1H'", "'P1Y'", "'2024-01-31'", "'99999-01-01'", "'2024-01-31T09:00:00Z'", "'%a_'", "''", "'''; drop table profiles; --'",
        "0", "7", "9223372036854775807", "9223372036854775808", "1.5", "0.0",
    ];

    private static readonly Gen<string> Literal = Gen.OneOf(
        Gen.String.Select(s => "'" + s.Replace("'", "''") + "'"),
        Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("0.0###############", System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Soup =
        Gen.Frequency((6, Gen.OneOf(Words)), (1, Literal)).Array[1, 8].Select(tokens => string.Join(" ", tokens));

    private static readonly Gen<string> Text = Gen.Frequency(
        (1, Gen.String),
        (2, Gen.Char["abcdeinorstuvwxyz_'()%.,=<>!+-*/ 0123456789\u00e9\U0001F600"].Array[0, 60].Select(chars => new string(chars))));

    private static readonly Gen<string> Strings = Gen.OneOf(
        Gen.OneOf("email", "country", "tier", "vars.text", "lower(tier)", "upper(country)", "null"),
        Gen.String[0, 12].Select(s => "'" + s.Replace("'", "''") + "'"));

    private static readonly Gen<string> Numbers = Gen.OneOf(
        Gen.OneOf("score", "ratio", "id", "length(tier)", "vars.whole", "9223372036854775807", "null", "count(opened('*'))"),
        Literal.Where(l => !l.StartsWith('\'')));

    private static readonly Gen<string> Times = Gen.OneOf(
        Gen.OneOf("joined", "seen", "birthDate", "createdAt", "now()", "date('0001-01-01')", "timestamp('9999-12-31T23:59:59Z')"),
        Numbers.Select(n => $"daysAgo({n})"));

    private static readonly Gen<string> Atom = Gen.OneOf(
        Gen.Select(Strings, Gen.OneOf(" like ", " not like ", " = ", " < ", " != "), Strings, (a, op, b) => a + op + b),
        Gen.Select(Numbers, Gen.OneOf(" + ", " - ", " * ", " / "), Numbers, Gen.OneOf(" = ", " > ", " <= "), Numbers, (a, op, b, cmp, c) => $"({a}{op}{b}){cmp}{c}"),
        Gen.Select(Times, Gen.OneOf(" < ", " >= "), Times, (a, op, b) => a + op + b),
        Gen.Select(Numbers, Numbers.Array[1, 5], (a, items) => $"{a} in ({string.Join(", ", items)})"),
        Gen.Select(Times, Times, Times, (a, b, c) => $"{a} not between {b} and {c}"),
        Gen.Select(Strings, Strings, (a, b) => $"contains({a}, {b}) or startsWith({b}, {a})"),
        Gen.OneOf("vip", "vars.flag", "emailOptIn is null", "opened('mail', 'P7D')", "sent('*')", "unsubscribed()", "count(clicked('mail')) > 1"));

    private static readonly Gen<string> Condition = Gen.Recursive<string>((depth, condition) => depth >= 3 ? Atom : Gen.Frequency(
        (3, Atom),
        (1, Gen.Select(condition, Gen.OneOf(" and ", " or "), condition, (a, op, b) => $"({a}{op}{b})")),
        (1, condition.Select(c => $"not ({c})"))));

    [Fact]
    public void Random_text_is_parsed_and_bound_without_an_exception() =>
        Text.Sample(text => Check(text), iter: Cases, threads: 1);

    [Fact]
    public void Random_token_soup_is_parsed_and_bound_without_an_exception_and_what_binds_runs()
    {
        var bound = 0;
        Soup.Sample(text =>
        {
            if (Check(text) is { } expression)
            {
                bound++;
                RunsOnSqlite(text, expression);
                RunsInMemory(text, expression);
            }
        }, iter: Cases, threads: 1);
        Assert.True(bound > 0, "no soup bound; the generator is too weak"); // most soups are nonsense, as they should be
    }

    [Fact]
    public void Generated_conditions_bind_and_run_on_sqlite_and_in_memory_every_literal_a_parameter()
    {
        var bound = 0;
        Condition.Sample(text =>
        {
            if (Check(text) is { } expression)
            {
                bound++;
                RunsOnSqlite(text, expression);
                RunsInMemory(text, expression);
            }
        }, iter: Cases, threads: 1);
        Assert.True(bound > Cases / 2, $"only {bound} of {Cases} conditions bound; the generator is too weak");
    }

    /// <summary>Parses and binds as the validator does, for a filter and for an enrich column; the filter's bound form when it binds.</summary>
    private Bound? Check(string text)
    {
        _ = Expression.Check(text, profiles.Scope with { AllowsAggregates = true });
        var (filter, error) = Expression.CheckFilter(text, profiles.Scope with { AllowsAggregates = true });
        Assert.True(filter is null || error is null, text);
        return filter is { Type: ExprType.Bool } ? filter : null;
    }

    /// <summary>Rows at the edges: extreme numbers and instants, a pattern over the limit, nulls.</summary>
    private static readonly Dictionary<string, object?>[] Rows =
    [
        new() { ["score"] = long.MaxValue, ["ratio"] = double.MaxValue, ["seen"] = DateTime.MaxValue, ["joined"] = DateOnly.MinValue, ["tier"] = new string('%', 2_000) },
        new() { ["score"] = long.MinValue, ["ratio"] = -double.Epsilon, ["seen"] = DateTime.MinValue, ["joined"] = DateOnly.MaxValue, ["tier"] = "_" },
        new() { ["score"] = -1L, ["email"] = "a@x.io", ["vip"] = true },
        new(),
    ];

    /// <summary>In memory, which reads feedback from the database only: every row gives a value or null, never an exception.</summary>
    private static void RunsInMemory(string text, Bound filter)
    {
        if (Nodes(filter).Any(n => n is BoundFeedback or BoundFeedbackCount))
            return;
        foreach (var row in Rows)
        {
            try
            {
                _ = Evaluator.Compile(filter, SqliteProfiles.Context, name => _ => row.GetValueOrDefault(name))(0);
            }
            catch (Exception e)
            {
                Assert.Fail($"{text} failed in memory on {string.Join(", ", row.Select(c => $"{c.Key}={c.Value}"))}: {e.Message}");
            }
        }
    }

    private void RunsOnSqlite(string text, Bound filter)
    {
        var sql = SqlCompiler.Compile(filter, SqlDialect.Sqlite, SqliteProfiles.Context);
        Assert.DoesNotContain('\'', sql.Text);
        var values = sql.Parameters.Select(p => p.Value).ToHashSet();
        foreach (var literal in Nodes(filter).OfType<BoundLiteral>().Select(l => l.Value).OfType<object>())
            Assert.True(values.Contains(SqlValues.Encode(SqlDialect.Sqlite, literal)), $"{text}: {literal} is not a parameter of {sql.Text}");
        try
        {
            profiles.Store.CountAsync(filter, SqliteProfiles.Context).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Assert.Fail($"{text} failed on SQLite: {e.Message}\n{sql.Text}");
        }
    }

    /// <summary>A bound expression and every node below it.</summary>
    private static IEnumerable<Bound> Nodes(Bound node) => Children(node).SelectMany(Nodes).Prepend(node);

    private static IEnumerable<Bound> Children(Bound node) => node switch
    {
        BoundUnary unary => [unary.Operand],
        BoundBinary binary => [binary.Left, binary.Right],
        BoundIn @in => [@in.Operand, .. @in.Items],
        BoundBetween between => [between.Operand, between.Low, between.High],
        BoundLike like => [like.Operand, like.Pattern],
        BoundIsNull isNull => [isNull.Operand],
        BoundCall call => call.Arguments,
        BoundDateToTimestamp promote => [promote.Operand],
        BoundFeedbackCount count => [count.Feedback],
        _ => [],
    };
}
