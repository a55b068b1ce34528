using ActorCampaigns.Node.Gateway;

namespace ActorCampaigns.Node.Operator;

/// <summary>One log line kept for <c>log peek</c>.</summary>
public sealed record LogLine(DateTimeOffset At, LogLevel Level, string Source, string Message);

/// <summary>
/// The node's last log lines (its own and Akka's, which the node routes through .NET logging), kept in memory for
/// <c>acctl log peek</c>; the oldest go first once <c>capacity</c> is reached.
/// </summary>
public sealed class RecentLogs(int capacity) : ILoggerProvider
{
    private readonly Queue<LogLine> _lines = new(capacity);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<LogLine> Peek(LogLevel atLeast, int limit)
    {
        lock (_lines)
            return _lines.Where(l => l.Level >= atLeast).TakeLast(limit).ToList();
    }

    private void Add(LogLine line)
    {
        lock (_lines)
        {
            if (_lines.Count == capacity)
                _lines.Dequeue();
            _lines.Enqueue(line);
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(RecentLogs logs, string source) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            if (exception is not null)
                message += $" ({exception.GetType().Name}: {exception.Message})";
            logs.Add(new LogLine(DateTimeOffset.UtcNow, logLevel, source, message));
        }
    }
}

public static class LogEndpoint
{
    /// <summary><c>GET /operator/logs?level=warning&amp;limit=100</c>: the last lines at that level or above.</summary>
    public static void MapLogEndpoint(this RouteGroupBuilder group) =>
        group.MapGet("/logs", (string? level, int? limit, RecentLogs logs) =>
        {
            LogLevel atLeast = LogLevel.Information;
            if (level is not null && !TryLevel(level, out atLeast))
                return Problems.Invalid($"unknown log level '{level}' (info, warning, error)", []);
            return Results.Ok(new
            {
                lines = logs.Peek(atLeast, Math.Clamp(limit ?? 100, 1, 2_000)).Select(l => new
                {
                    at = l.At,
                    level = Name(l.Level),
                    source = l.Source,
                    message = l.Message,
                }),
            });
        });

    private static bool TryLevel(string text, out LogLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "info" or "information" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Critical => "error",
        _ => level.ToString().ToLowerInvariant(),
    };
}
