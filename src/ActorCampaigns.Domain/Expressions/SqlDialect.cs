namespace ActorCampaigns.Domain.Expressions;

public enum SqlDialect { Sqlite, PostgreSql }

/// <summary>
/// How values are stored per dialect. SQLite has no date, timestamp or bool types, so dates are
/// days since 1970-01-01, timestamps microseconds since the epoch (UTC) and bools 0 or 1;
/// PostgreSQL stores date, timestamptz and boolean.
/// </summary>
public static class SqlValues
{
    public const long MicrosecondsPerDay = 86_400_000_000;

    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    public static object? Encode(SqlDialect dialect, object? value) => dialect switch
    {
        SqlDialect.Sqlite => value switch
        {
            bool b => b ? 1L : 0L,
            DateOnly d => (long)(d.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber),
            DateTime t => (t.Ticks - Epoch.Ticks) / 10,
            _ => value,
        },
        _ => value switch
        {
            DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            _ => value,
        },
    };

    /// <summary>Turns a stored SQLite value back into the domain value of <paramref name="type"/>.</summary>
    public static object? DecodeSqlite(ExprType type, object? stored) => stored switch
    {
        null or DBNull => null,
        _ => type switch
        {
            ExprType.Bool => Convert.ToInt64(stored) != 0,
            ExprType.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(Epoch).DayNumber + (int)Convert.ToInt64(stored)),
            ExprType.Timestamp => new DateTime(Epoch.Ticks + Convert.ToInt64(stored) * 10, DateTimeKind.Utc),
            ExprType.Int => Convert.ToInt64(stored),
            ExprType.Number => Convert.ToDouble(stored),
            _ => stored,
        },
    };
}
