using System.Text.Json;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Domain.Expressions;
using static ActorCampaigns.Data.Database;

namespace ActorCampaigns.Data.Feedback;

/// <summary>
/// Tells the opens and clicks of machines from people's, as they are recorded: a mail privacy proxy fetches the pixel
/// of every message it receives, a security gateway follows every link, and retargeting on <c>opened</c> would take
/// them for interest. An open is a machine's when its user agent is a known proxy's (decided by the tracking endpoint),
/// or when it comes within <c>openWithin</c> of the time its message left (<see cref="Ledger.SentAtAsync"/>; an open
/// of a message whose time is not known is a person's). Clicks are a machine's when every link of the message (the
/// distinct targets its tokens count, two or more) was clicked within a second: those clicks are rewritten as the
/// machine's after their batch commits, so a scanner's clicks split between two nodes are still seen whole by the later.
/// </summary>
public sealed class MachineFeedback(Ledger ledger, TimeSpan openWithin)
{
    /// <summary>The ledger's: feedback events live beside the sends they are judged against.</summary>
    private Database Database => ledger.Database;

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
        return events.Select(e => e is { Kind: FeedbackKind.Opened, Machine: false } && sent.GetValueOrDefault(Message(e)) is { } left
            && e.At < left + openWithin ? e with { Machine = true } : e).ToList();
    }

    /// <summary>
    /// Rewrites as a machine's the clicks of the messages clicked in <paramref name="events"/> that fall in a burst:
    /// from one of the message's clicks, within <see cref="ScannerBurst"/>, clicks on as many distinct links as the
    /// message holds (two or more). A person's click before or after a scanner's burst stays a person's. Runs after
    /// the events commit, so it sees those another node committed before.
    /// </summary>
    public async Task MarkScannerClicksAsync(IReadOnlyList<FeedbackEvent> events, CancellationToken cancellationToken = default)
    {
        var clicked = events.Where(e => e is { Kind: FeedbackKind.Clicked, Links: >= 2 })
            .GroupBy(Message).Select(g => (Message: g.Key, g.First().Links)).ToList();
        if (clicked.Count == 0)
            return;
        var sqlite = Database.Dialect == SqlDialect.Sqlite;
        var asked = sqlite
            ? "SELECT value->>0 AS campaign, value->>1 AS execution, value->>2 AS activity, value->>3 AS profile, value->>4 AS links FROM json_each(@messages)"
            : "SELECT * FROM unnest(@campaign, @execution, @activity, @profile, @links) AS m(campaign, execution, activity, profile, links)";
        static string Same(string a, string b) =>
            $"{a}.campaign = {b}.campaign AND {a}.execution = {b}.execution AND {a}.activity = {b}.activity AND {a}.profile = {b}.profile";
        var (human, machine) = (FeedbackEvents.Name(FeedbackKind.Clicked), FeedbackEvents.Name(FeedbackKind.Clicked, machine: true));
        var burst = (long)ScannerBurst.TotalMilliseconds;
        // The UPDATE is driven by the bursts found (FROM), so it reads the clicked messages' rows through their index.
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var update = Command(connection, $"""
            WITH m AS ({asked}),
            clicks AS (SELECT f.campaign, f.execution, f.activity, f.profile, f.at, f.detail, m.links FROM m
                JOIN {FeedbackEvents.Table} f ON {Same("f", "m")} AND f.kind IN ('{human}', '{machine}')),
            bursts AS (SELECT s.campaign, s.execution, s.activity, s.profile, s.at AS from_at FROM clicks s
                JOIN clicks c ON {Same("c", "s")} AND c.at BETWEEN s.at AND s.at + {burst}
                GROUP BY s.campaign, s.execution, s.activity, s.profile, s.at, s.links HAVING COUNT(DISTINCT c.detail) >= s.links)
            UPDATE {FeedbackEvents.Table} SET kind = '{machine}' FROM bursts b
            WHERE {Same(FeedbackEvents.Table, "b")} AND {FeedbackEvents.Table}.kind = '{human}'
                AND {FeedbackEvents.Table}.at BETWEEN b.from_at AND b.from_at + {burst}
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
