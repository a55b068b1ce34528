using System.Text.Json;
using ActorCampaigns.Engine.Activities;
using Microsoft.Data.Sqlite;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// What <c>bench/bench-canvas.json</c> must give, by plain SQL over a node's profiles table (SQLite: bools as 0/1,
/// timestamps as microseconds since 1970): each port one statement into a table of its own, reading those before it.
/// </summary>
internal static class BenchCanvasSql
{
    private static readonly long Since = (new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / 10;

    /// <returns>
    /// Each port's count as "activity.port", each channel's exclusions as "activity excluded as reason", and each
    /// activity's input as "activity in": what its inbound transitions carry (a profile arriving by two counts twice).
    /// </returns>
    public static async Task<Dictionary<string, long>> CountsAsync(string database, string execution, string canvas)
    {
        var control = (uint)Seeds.For(execution, "split", "control");
        (string Port, string Select)[] ports =
        [
            ("optin.out", "SELECT id FROM profiles WHERE emailOptIn OR smsOptIn OR pushOptIn"),
            ("recent.out", $"SELECT id FROM profiles WHERE createdAt > {Since}"),
            ("blocked.out", "SELECT id FROM profiles WHERE country IN ('KP', 'IR', 'SY')"),
            ("base.out", """SELECT id FROM "optin.out" UNION SELECT id FROM "recent.out" """),
            ("allowed.out", """SELECT id FROM "base.out" EXCEPT SELECT id FROM "blocked.out" """),
            // The lowest id of each email is kept; a profile without an email is never a duplicate.
            ("dedup.ranked", """
                SELECT p.id, p.email IS NULL OR ROW_NUMBER() OVER (PARTITION BY p.email ORDER BY p.id) = 1 AS kept
                FROM profiles p JOIN "allowed.out" a ON a.id = p.id
                """),
            ("dedup.out", """SELECT id FROM "dedup.ranked" WHERE kept"""),
            ("dedup.duplicates", """SELECT id FROM "dedup.ranked" WHERE NOT kept"""),
            ("split.control", $"""SELECT id FROM "dedup.out" ORDER BY {RandomKey("id", control)}, id LIMIT (SELECT COUNT(*) * 5 / 100 FROM "dedup.out")"""),
            ("split.email", """
                SELECT p.id FROM profiles p JOIN "dedup.out" d ON d.id = p.id
                WHERE p.id NOT IN (SELECT id FROM "split.control") AND p.emailOptIn AND p.email IS NOT NULL
                """),
            ("split.sms", """
                SELECT p.id FROM profiles p JOIN "dedup.out" d ON d.id = p.id
                WHERE p.id NOT IN (SELECT id FROM "split.control") AND p.id NOT IN (SELECT id FROM "split.email") AND p.smsOptIn AND p.phone IS NOT NULL
                """),
            ("split.complement", """
                SELECT id FROM "dedup.out" EXCEPT SELECT id FROM "split.control" EXCEPT SELECT id FROM "split.email" EXCEPT SELECT id FROM "split.sms"
                """),
            .. Channel("mail", "split.email", "email", "emailOptIn"),
            .. Channel("text", "split.sms", "phone", "smsOptIn"),
            .. Channel("notify", "split.complement", "pushToken", "pushOptIn"),
        ];

        var counts = new Dictionary<string, long>();
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        foreach (var (port, select) in ports)
        {
            await Execute(connection, $"""CREATE TEMP TABLE "{port}" AS {select}""");
            if (port != "dedup.ranked")
                counts[port] = Convert.ToInt64(await Scalar(connection, $"""SELECT COUNT(*) FROM "{port}" """));
        }
        foreach (var (channel, address) in new[] { ("mail", "email"), ("text", "phone"), ("notify", "pushToken") })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT CASE WHEN p.{address} IS NULL THEN 'noAddress' ELSE 'noConsent' END, COUNT(*)
                FROM profiles p JOIN "{channel}.excluded" e ON e.id = p.id GROUP BY 1
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                counts[$"{channel} excluded as {reader.GetString(0)}"] = reader.GetInt64(1);
        }
        var document = JsonDocument.Parse(canvas).RootElement;
        foreach (var activity in document.GetProperty("activities").EnumerateArray())
            counts[$"{activity.GetProperty("id").GetString()} in"] = 0;
        foreach (var transition in document.GetProperty("transitions").EnumerateArray())
        {
            var port = transition.TryGetProperty("port", out var named) ? named.GetString() : "out";
            counts[$"{transition.GetProperty("to").GetString()} in"] += counts[$"{transition.GetProperty("from").GetString()}.{port}"];
        }
        return counts;
    }

    /// <summary>A marketing channel sends to those with an address and its consent; the others leave by excluded.</summary>
    private static (string, string)[] Channel(string channel, string from, string address, string consent) =>
    [
        ($"{channel}.out", $"""SELECT p.id FROM profiles p JOIN "{from}" f ON f.id = p.id WHERE p.{address} IS NOT NULL AND p.{consent}"""),
        ($"{channel}.excluded", $"""SELECT id FROM "{from}" EXCEPT SELECT id FROM "{channel}.out" """),
    ];

    /// <summary>
    /// The engine's keyed random order (<see cref="Seeds.RandomKey"/>: the low 32 bits of id × 2654435761, xor the
    /// seed) in SQLite's arithmetic, which has no xor and turns a product past 64 bits into a float: the product's low
    /// 32 bits from the 16-bit halves of the id's, and x xor s as (x | s) - (x &amp; s).
    /// </summary>
    private static string RandomKey(string id, uint seed)
    {
        var low = $"((({id} & 65535) * 2654435761 + ((((({id} >> 16) & 65535) * 2654435761) & 65535) << 16)) & 4294967295)";
        return $"(({low} | {seed}) - ({low} & {seed}))";
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
