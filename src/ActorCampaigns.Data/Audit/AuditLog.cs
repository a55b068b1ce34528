using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Audit;

/// <summary>
/// One command as the audit keeps it: when, who (the id of the key presented, never the key), what (<c>publish</c>),
/// on what (a campaign, a member's address), and how it ended (the HTTP status and its reason).
/// </summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Command, string? Target, int Status, string Outcome);

/// <summary>
/// The commands given to the cluster (<c>audit_log</c>), appended as they are answered, in the shared database: every
/// member's in one place, in the order they were written. Kept for good: retention does not touch it.
/// </summary>
public sealed class AuditLog(Database database)
{
    public const int MaxPage = 1_000;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var (_, whole, text) = database.Types;
        var key = database.Dialect == SqlDialect.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
        await database.CreateTablesAsync($"""
            CREATE TABLE IF NOT EXISTS audit_log (id {key}, at {text} NOT NULL, actor {text} NOT NULL, command {text} NOT NULL, target {text},
                status {whole} NOT NULL, outcome {text} NOT NULL);
            """, cancellationToken);
    }

    public async Task AppendAsync(DateTimeOffset at, string actor, string command, string? target, int status, string outcome,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = Command(connection,
            "INSERT INTO audit_log (at, actor, command, target, status, outcome) VALUES (@at, @actor, @command, @target, @status, @outcome)");
        Parameter(insert, "@at", at.UtcDateTime.ToString("O"));
        Parameter(insert, "@actor", actor);
        Parameter(insert, "@command", command);
        Parameter(insert, "@target", target);
        Parameter(insert, "@status", (long)status);
        Parameter(insert, "@outcome", outcome);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The entries after <paramref name="after"/> (an id; 0: from the first), oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AfterAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection,
            "SELECT id, at, actor, command, target, status, outcome FROM audit_log WHERE id > @after ORDER BY id LIMIT @limit");
        Parameter(select, "@after", after);
        Parameter(select, "@limit", (long)Math.Clamp(limit, 1, MaxPage));
        return await ReadAsync(select, cancellationToken);
    }

    /// <summary>The last <paramref name="count"/> entries, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LastAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = Command(connection,
            "SELECT id, at, actor, command, target, status, outcome FROM audit_log ORDER BY id DESC LIMIT @limit");
        Parameter(select, "@limit", (long)Math.Clamp(count, 1, MaxPage));
        return (await ReadAsync(select, cancellationToken)).Reverse().ToList();
    }

    private static async Task<IReadOnlyList<AuditEntry>> ReadAsync(System.Data.Common.DbCommand select, CancellationToken cancellationToken)
    {
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new AuditEntry(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), (int)reader.GetInt64(5), reader.GetString(6)));
        return entries;
    }
}
