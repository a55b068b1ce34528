namespace ActorCampaigns.Domain.Expressions;

/// <summary>A type-checked expression: names resolved, every node typed. Compiled to SQL or evaluated in memory.</summary>
public abstract record Bound(ExprType Type);

/// <summary>A constant; values are string, long, double, bool, DateOnly, DateTime (UTC) or null.</summary>
public sealed record BoundLiteral(ExprType Type, object? Value) : Bound(Type);

/// <summary>A profile attribute or a column travelling with the population.</summary>
public sealed record BoundColumn(ExprType Type, string Name) : Bound(Type);

public sealed record BoundVariable(ExprType Type, string Name) : Bound(Type);

/// <summary><c>now()</c>: the evaluation time of the context, the same for every row.</summary>
public sealed record BoundNow() : Bound(ExprType.Timestamp);

/// <summary>Midnight UTC of a date, so dates compare with timestamps.</summary>
public sealed record BoundDateToTimestamp(Bound Operand) : Bound(ExprType.Timestamp);

public enum UnaryOperator { Not, Negate }

public sealed record BoundUnary(ExprType Type, UnaryOperator Operator, Bound Operand) : Bound(Type);

public enum BinaryOperator { And, Or, Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Add, Subtract, Multiply, Divide }

public sealed record BoundBinary(ExprType Type, BinaryOperator Operator, Bound Left, Bound Right) : Bound(Type);

public sealed record BoundIn(Bound Operand, IReadOnlyList<Bound> Items, bool Negated) : Bound(ExprType.Bool);

public sealed record BoundBetween(Bound Operand, Bound Low, Bound High, bool Negated) : Bound(ExprType.Bool);

/// <summary>
/// SQL <c>like</c> with <c>%</c> and <c>_</c>, no escape character, case-insensitive for ASCII letters; null when the
/// pattern is longer than <see cref="Parser.MaxLikePattern"/> characters (only a pattern read at run time can be).
/// </summary>
public sealed record BoundLike(Bound Operand, Bound Pattern, bool Negated) : Bound(ExprType.Bool)
{
    /// <summary>Whether a pattern is short enough to run: counted in code points, as SQL's <c>length()</c> counts.</summary>
    public static bool PatternFits(string pattern) =>
        pattern.Length <= Parser.MaxLikePattern || pattern.EnumerateRunes().Take(Parser.MaxLikePattern + 1).Count() <= Parser.MaxLikePattern;
}

public sealed record BoundIsNull(Bound Operand, bool Negated) : Bound(ExprType.Bool);

public enum Function { Lower, Upper, Length, Contains, StartsWith, DaysAgo }

public sealed record BoundCall(ExprType Type, Function Function, IReadOnlyList<Bound> Arguments) : Bound(Type);

/// <summary>
/// What happened to a message; <c>complained</c> (a spam report) has no predicate of its own, nor <c>held</c>: a
/// marketing message not sent because its profile is in the node's global control group.
/// </summary>
public enum FeedbackKind { Sent, Delivered, Opened, Clicked, Bounced, Unsubscribed, Complained, Held }

/// <summary>
/// A feedback predicate such as <c>opened('mail', 'P7D')</c>: <see cref="Activity"/> is an activity id of this
/// campaign or <c>*</c> for any campaign (null for <c>unsubscribed()</c>). Opens and clicks recorded as a machine's
/// (a privacy proxy, a link scanner) count only when <see cref="Machine"/> (<c>opened('mail', 'P7D', machine: true)</c>).
/// </summary>
public sealed record BoundFeedback(FeedbackKind Kind, string? Activity, TimeSpan? Window, bool Machine = false) : Bound(ExprType.Bool);

/// <summary><c>count(feedback)</c>: how many such events the profile has; allowed in enrich columns only.</summary>
public sealed record BoundFeedbackCount(BoundFeedback Feedback) : Bound(ExprType.Int);

/// <summary>
/// <c>did('purchase', 'P7D')</c>: whether the profile has a conversion event of that name within the window before
/// the execution's time (ever, without a window).
/// </summary>
public sealed record BoundConversion(string Name, TimeSpan? Window) : Bound(ExprType.Bool);

/// <summary><c>count(did(...))</c>: how many such events the profile has; <c>sum(did(...), value)</c>: the sum of their values (0 without any).</summary>
public sealed record BoundConversionAggregate(BoundConversion Conversion, bool Sum) : Bound(Sum ? ExprType.Number : ExprType.Int);

/// <summary>
/// A column of the file row that a reconciliation (<see cref="Reconciliation"/>) matched the profile with, as its
/// loadFile (<see cref="Load"/>) kept it, in the execution being read: the file's columns ride along with the
/// profiles matched. Read by the database.
/// </summary>
public sealed record BoundFileColumn(ExprType Type, string Reconciliation, string Load, string Column) : Bound(Type);

/// <summary>
/// An aggregate (<see cref="Column"/>) that a changeDimension (<see cref="Change"/>) computed over the entity's rows
/// of the profile, in the execution being read: it rides along with the profile. Read by the database, from the
/// change's first wave or, after an experiment, its second (kept as <see cref="SecondWave"/> after the id: the two
/// waves' profiles are apart, the held-back ones and the others).
/// </summary>
public sealed record BoundAggregateColumn(ExprType Type, string Change, string Column) : Bound(Type)
{
    public const string SecondWave = "#second-wave";
}
