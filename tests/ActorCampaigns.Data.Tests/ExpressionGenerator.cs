using System.Globalization;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.Data.Tests;

/// <summary>Random well-typed expressions and profiles over a small schema, for agreement tests between SQL and memory.</summary>
internal sealed class ExpressionGenerator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Strings = ["", "a", "A", "ab", "Ab", "abc", "é", "É", "%", "_", "a_c", "x'y", "zé", "Zé", "\U0001F600", "\uFF21", "b%"];

    public static readonly string Header = "id,email,country,firstName,birthDate,createdAt,emailOptIn,smsOptIn,score:int,ratio:number";

    private static readonly Dictionary<ExprType, string[]> Columns = new()
    {
        [ExprType.String] = ["email", "country", "firstName"],
        [ExprType.Int] = ["score"],
        [ExprType.Number] = ["ratio"],
        [ExprType.Bool] = ["emailOptIn", "smsOptIn"],
        [ExprType.Date] = ["birthDate"],
        [ExprType.Timestamp] = ["createdAt"],
    };

    public string ProfileLine(long id)
    {
        string? Maybe(Func<string> value) => _random.Next(6) == 0 ? "" : value();
        string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        return string.Join(",",
            id.ToString(CultureInfo.InvariantCulture),
            Maybe(() => Quote(Pick(Strings))), Maybe(() => Quote(Pick(Strings))), Maybe(() => Quote(Pick(Strings))),
            Maybe(() => DateText()), Maybe(() => TimestampText()),
            Maybe(() => Pick(["true", "false"])), Maybe(() => Pick(["true", "false"])),
            Maybe(() => _random.Next(-5, 6).ToString(CultureInfo.InvariantCulture)),
            Maybe(() => (_random.Next(-40, 41) / 8.0).ToString(CultureInfo.InvariantCulture)));
    }

    public string Condition(int depth) => Generate(ExprType.Bool, depth);

    private string Generate(ExprType type, int depth)
    {
        if (depth <= 0 || _random.Next(4) == 0)
            return Leaf(type);
        return type switch
        {
            ExprType.Bool => _random.Next(11) switch
            {
                0 => $"({Generate(ExprType.Bool, depth - 1)} and {Generate(ExprType.Bool, depth - 1)})",
                1 => $"({Generate(ExprType.Bool, depth - 1)} or {Generate(ExprType.Bool, depth - 1)})",
                2 => $"(not {Generate(ExprType.Bool, depth - 1)})",
                3 => Comparison(depth),
                4 => Comparison(depth),
                5 => InList(depth),
                6 => Between(depth),
                7 => $"({Generate(ExprType.String, depth - 1)} {Pick(["like", "not like"])} {Pattern()})",
                8 => $"({Generate(Pick(Columns.Keys.ToArray()), depth - 1)} {Pick(["is null", "is not null"])})",
                9 => $"{Pick(["contains", "startsWith"])}({Generate(ExprType.String, depth - 1)}, {Generate(ExprType.String, depth - 1)})",
                _ => $"({Generate(ExprType.Bool, depth - 1)} {Pick(["=", "!="])} {Generate(ExprType.Bool, depth - 1)})",
            },
            ExprType.Int => _random.Next(4) switch
            {
                0 => $"({Generate(ExprType.Int, depth - 1)} {Pick(["+", "-", "*", "/"])} {Generate(ExprType.Int, depth - 1)})",
                1 => $"length({Generate(ExprType.String, depth - 1)})",
                2 => $"(-{Generate(ExprType.Int, depth - 1)})",
                _ => Leaf(type),
            },
            ExprType.Number => $"({Generate(Pick([ExprType.Int, ExprType.Number]), depth - 1)} {Pick(["+", "-", "*", "/"])} {Generate(ExprType.Number, depth - 1)})",
            ExprType.String => $"{Pick(["lower", "upper"])}({Generate(ExprType.String, depth - 1)})",
            ExprType.Timestamp => _random.Next(2) == 0 ? "now()" : $"daysAgo({Generate(ExprType.Int, depth - 1)})",
            _ => Leaf(type),
        };
    }

    private string Comparison(int depth)
    {
        var (left, right) = ComparablePair();
        return $"({Generate(left, depth - 1)} {Pick(["=", "!=", "<", "<=", ">", ">="])} {Generate(right, depth - 1)})";
    }

    private string InList(int depth)
    {
        var (left, right) = ComparablePair();
        var items = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Generate(right, depth - 1));
        return $"({Generate(left, depth - 1)} {Pick(["in", "not in"])} ({string.Join(", ", items)}))";
    }

    private string Between(int depth)
    {
        var (left, right) = ComparablePair();
        return $"({Generate(left, depth - 1)} {Pick(["between", "not between"])} {Generate(right, depth - 1)} and {Generate(left, depth - 1)})";
    }

    private (ExprType, ExprType) ComparablePair() => _random.Next(5) switch
    {
        0 => (ExprType.String, ExprType.String),
        1 => (Pick([ExprType.Int, ExprType.Number]), Pick([ExprType.Int, ExprType.Number])),
        2 => (Pick([ExprType.Date, ExprType.Timestamp]), Pick([ExprType.Date, ExprType.Timestamp])),
        3 => (ExprType.Int, ExprType.Int),
        _ => (ExprType.Date, ExprType.Date),
    };

    private string Leaf(ExprType type)
    {
        if (_random.Next(12) == 0)
            return "null";
        if (_random.Next(2) == 0)
            return Pick(Columns[type]);
        return type switch
        {
            ExprType.Bool => Pick(["true", "false"]),
            ExprType.Int => _random.Next(0, 6).ToString(CultureInfo.InvariantCulture),
            ExprType.Number => (_random.Next(0, 20) / 4.0).ToString("0.0#", CultureInfo.InvariantCulture),
            ExprType.String => "'" + Pick(Strings).Replace("'", "''") + "'",
            ExprType.Date => $"date('{DateText()}')",
            _ => $"timestamp('{TimestampText()}')",
        };
    }

    private string Pattern() => "'" + string.Concat(Enumerable.Range(0, _random.Next(0, 4)).Select(_ => Pick(["%", "_", "a", "A", "é", "É", "b", "'"]))).Replace("'", "''") + "'";

    private string DateText() => new DateOnly(2026, 11, 28).AddDays(-_random.Next(0, 12)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string TimestampText() => new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc)
        .AddHours(-_random.Next(0, 12 * 24)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
