using System.Text.Json;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// Tells the opens and clicks of machines from people's, as they are recorded: a mail privacy proxy fetches the pixel
/// of every message it receives, a security gateway follows every link, and retargeting on <c>opened</c> would take
/// them for interest. An open is a machine's when its user agent is a known proxy's (decided by the tracking endpoint),
/// or when it comes within <c>openWithin</c> of its message's send: of the time its batch was recorded sent, or before
/// that (a message settled sent one by one while its batch goes on). Clicks are a machine's when the message's links,
/// two or more, were all clicked within a second of its first click: those clicks are rewritten as the machine's
/// after their batch commits, so a scanner's clicks split between two nodes are still seen whole by the later.
/// </summary>
public sealed class MachineFeedback(Database database, Ledger ledger, TimeSpan openWithin)
{
    /// <summary>How close together clicks on every link of a message are a scanner's.</summary>
    public static readonly TimeSpan ScannerBurst = TimeSpan.FromSeconds(1);

    /// <summary>Messages whose clicks are checked per statement.</summary>
    private const int MessagesPerStatement = 256;

    /// <summary>The events, with the opens that came within <c>openWithin</c> of their message's send marked a machine's.</summary>
    public async Task<IReadOnlyList<FeedbackEvent>> JudgeOpensAsync(IReadOnlyList<FeedbackEvent> events, CancellationToken cancellationToken = default)
    {
        var opens = events.Where(e => e is { Kind: FeedbackKind.Opened, Machine: false }).Select(Message).Distinct().ToList();
        if (opens.Count == 0 || openWithin <= TimeSpan.Zero)
            return events;
        var sent = await ledger.SentAtAsync(opens, cancellationToken);
        return events.Select(e => e is { Kind: FeedbackKind.Opened, Machine: false } && sent.TryGetValue(Message(e), out var at)
            && (at is null || e.At < at.Value + openWithin) ? e with { Machine = true } : e).ToList();
    }

    /// <summary>
    /// Rewrites as a machine's the clicks of the messages clicked in <paramref name="events"/> whose every link (as
    /// their tokens count them, two or more) was clicked within <see cref="ScannerBurst"/> of the message's first click.
    /// Runs after the events commit, so it sees those another node committed before.
    /// </summary>
    public async Task MarkScannerClicksAsync(IReadOnlyList<FeedbackEvent> events, CancellationToken cancellationToken = default)
    {
        var clicked = events.Where(e => e is { Kind: FeedbackKind.Clicked, Links: >= 2 })
            .GroupBy(Message).Select(g => (Message: g.Key, g.First().Links)).ToList();
        if (clicked.Count == 0)
            return;
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        var asked = sqlite
            ? "SELECT value->>0 AS campaign, value->>1 AS execution, value->>2 AS activity, value->>3 AS profile, value->>4 AS links FROM json_each(@messages)"
            : "SELECT * FROM unnest(@campaign, @execution, @activity, @profile, @links) AS m(campaign, execution, activity, profile, links)";
        const string same = "f.campaign = m.campaign AND f.execution = m.execution AND f.activity = m.activity AND f.profile = m.profile";
        var (human, machine) = (FeedbackEvents.Name(FeedbackKind.Clicked), FeedbackEvents.Name(FeedbackKind.Clicked, machine: true));
        var kinds = $"f.kind IN ('{human}', '{machine}')";
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = Command(connection, $"""
            WITH m AS ({asked}),
            firsts AS (SELECT m.campaign, m.execution, m.activity, m.profile, m.links, MIN(f.at) AS first_at FROM m
                JOIN {FeedbackEvents.Table} f ON {same} AND {kinds} GROUP BY m.campaign, m.execution, m.activity, m.profile, m.links),
            bursts AS (SELECT m.campaign, m.execution, m.activity, m.profile, m.first_at FROM firsts m
                JOIN {FeedbackEvents.Table} f ON {same} AND {kinds} AND f.at <= m.first_at + {(long)ScannerBurst.TotalMilliseconds}
                GROUP BY m.campaign, m.execution, m.activity, m.profile, m.first_at, m.links HAVING COUNT(DISTINCT f.detail) >= m.links)
            UPDATE {FeedbackEvents.Table} SET kind = '{machine}' WHERE kind = '{human}' AND EXISTS (SELECT 1 FROM bursts b
                WHERE b.campaign = {FeedbackEvents.Table}.campaign AND b.execution = {FeedbackEvents.Table}.execution
                AND b.activity = {FeedbackEvents.Table}.activity AND b.profile = {FeedbackEvents.Table}.profile
                AND {FeedbackEvents.Table}.at <= b.first_at + {(long)ScannerBurst.TotalMilliseconds})
            """);
        var parameters = (sqlite ? ["@messages"] : new[] { "@campaign", "@execution", "@activity", "@profile", "@links" })
            .Select(name => Parameter(update, name, null)).ToArray();
        foreach (var chunk in clicked.Chunk(MessagesPerStatement))
        {
            if (sqlite)
            {
                parameters[0].Value = JsonSerializer.Serialize(chunk.Select(c => new object[]
                    { c.Message.Campaign, c.Message.Execution, c.Message.Activity, c.Message.Profile, c.Links }));
            }
            else
            {
                object[] values = [chunk.Select(c => c.Message.Campaign).ToArray(), chunk.Select(c => c.Message.Execution).ToArray(),
                    chunk.Select(c => c.Message.Activity).ToArray(), chunk.Select(c => c.Message.Profile).ToArray(), chunk.Select(c => (long)c.Links).ToArray()];
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i];
            }
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static MessageKey Message(FeedbackEvent e) => new(e.Campaign, e.Execution, e.Activity, e.Profile);
}
