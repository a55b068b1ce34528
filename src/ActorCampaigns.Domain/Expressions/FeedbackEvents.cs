namespace ActorCampaigns.Domain.Expressions;

/// <summary>
/// The table feedback predicates but <c>sent(...)</c> read: one row per event (delivered, opened, clicked, bounced, unsubscribed,
/// complained) of one message, named by campaign, execution, activity and profile, at a time in Unix milliseconds.
/// </summary>
public static class FeedbackEvents
{
    public const string Table = "feedback_events";

    /// <summary>
    /// How a kind is written in the table's <c>kind</c> column: <c>opened</c>; an open or a click recorded as a
    /// machine's (a mail privacy proxy fetching the pixel, a link scanner) as <c>machineOpened</c>, <c>machineClicked</c>,
    /// so what reads <c>opened</c> counts people, and retention's totals keep the two apart without a column more.
    /// </summary>
    public static string Name(FeedbackKind kind, bool machine = false) =>
        machine ? $"machine{kind}" : kind.ToString().ToLowerInvariant();

    /// <summary>The kinds the report counts per hour: opens and clicks, people's and machines'.</summary>
    public static readonly IReadOnlySet<string> Hourly = new HashSet<string>(StringComparer.Ordinal)
    {
        Name(FeedbackKind.Opened), Name(FeedbackKind.Clicked), Name(FeedbackKind.Opened, machine: true), Name(FeedbackKind.Clicked, machine: true),
    };

    /// <summary>The kind and whether a machine's, of a <c>kind</c> column's value (<see cref="Name"/>).</summary>
    public static (FeedbackKind Kind, bool Machine) Parse(string name) => name.StartsWith("machine", StringComparison.Ordinal)
        ? (Enum.Parse<FeedbackKind>(name["machine".Length..]), true)
        : (Enum.Parse<FeedbackKind>(name, ignoreCase: true), false);
}

/// <summary>
/// The tables <c>sent(...)</c> reads: a row per message sent in <see cref="Table"/> (profile, sending, time in Unix
/// milliseconds), and per channel activity of an execution a row in <see cref="Sendings"/> (id, campaign, execution,
/// activity, channel, category) that the sends name by its id.
/// </summary>
public static class Sends
{
    public const string Table = "sends";

    public const string Sendings = "sendings";
}

/// <summary>The table <c>did(...)</c> reads: a row per conversion event of a profile (its name, its time in Unix milliseconds, its value).</summary>
public static class ConversionEvents
{
    public const string Table = "conversion_events";

    public const int MaxNameLength = 100;

    /// <summary>Whether <paramref name="name"/> is an event's name: a letter, then letters, digits, '_', '.' or '-', at most <see cref="MaxNameLength"/>.</summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
