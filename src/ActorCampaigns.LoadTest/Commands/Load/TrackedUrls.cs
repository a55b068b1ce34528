using System.Text.Json;
using System.Text.RegularExpressions;
using ActorCampaigns.Data;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.LoadTest.Commands.Load;

/// <summary>
/// The tracked URLs (open pixels, rewritten links) of the emails a node sent, read from its outbox: the file of a
/// one-node data dir or the cluster's outbox table. Paths only, sent to the gateway under test.
/// </summary>
public static partial class TrackedUrls
{
    [GeneratedRegex("\"https?://[^\"/]+(/t/(?:o|c)/[^\"]+)\"")]
    private static partial Regex Tracked();

    public static async Task<(List<string> Opens, List<string> Clicks)> ReadAsync(Database database, string? dataDir, int atMost, CancellationToken cancel)
    {
        var htmls = new List<string>();
        if (database is PostgresDatabase)
        {
            await using var connection = await database.OpenAsync(cancel);
            await using var command = Command(connection, "SELECT content->>'html' FROM outbox_messages WHERE channel = 'email' LIMIT @limit");
            Parameter(command, "@limit", (long)atMost);
            await using var reader = await command.ExecuteReaderAsync(cancel);
            while (await reader.ReadAsync(cancel))
                htmls.Add(reader.GetString(0));
        }
        else
        {
            var file = Path.Combine(dataDir!, "outbox", "email.jsonl");
            if (!File.Exists(file))
                throw new UsageException($"no email outbox at {file}: run a campaign that sends email first");
            htmls.AddRange(File.ReadLines(file).Take(atMost).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("html").GetString() ?? ""));
        }
        var paths = htmls.SelectMany(html => Tracked().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))).ToList();
        var opens = paths.Where(p => p.StartsWith("/t/o/", StringComparison.Ordinal)).ToList();
        var clicks = paths.Where(p => p.StartsWith("/t/c/", StringComparison.Ordinal)).ToList();
        if (opens.Count == 0)
            throw new UsageException("the outbox holds no tracked email (is tracking on, and has a campaign sent email?)");
        return (opens, clicks);
    }

    /// <summary>Opens and clicks the node's feedback store holds, people's and machines' (plain SQL).</summary>
    public static async Task<long> RecordedAsync(Database database, CancellationToken cancel)
    {
        await using var connection = await database.OpenAsync(cancel);
        await using var command = Command(connection,
            "SELECT COUNT(*) FROM feedback_events WHERE kind IN ('opened', 'clicked', 'machineOpened', 'machineClicked')");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancel));
    }
}
