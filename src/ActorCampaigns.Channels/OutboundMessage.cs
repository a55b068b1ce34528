namespace ActorCampaigns.Channels;

/// <summary>
/// One rendered message to one profile, or, from a channel fed by an entity's rows, for one row (<see cref="Row"/>) to
/// its profile. <see cref="MessageId"/> is derived from (campaign, execution, activity, profile, row), so a message
/// re-sent after a crash carries the same id and providers can drop the repeat.
/// </summary>
public sealed record OutboundMessage(
    string MessageId, string CampaignId, string ExecutionId, string ActivityId, long ProfileId, string To,
    IReadOnlyList<KeyValuePair<string, string>> Content)
{
    /// <summary>The entity row the message is for (a booking), when the channel sends one message per row.</summary>
    public long? Row { get; init; }

    /// <summary>What the message is for in its activity's population: its row, or its profile. The ledger settles messages by it.</summary>
    public long Key => Row ?? ProfileId;

    /// <summary>The content field of an email's one-click unsubscribe URL (RFC 8058 headers for SMTP).</summary>
    public const string UnsubscribeUrl = "unsubscribeUrl";

    public static string IdFor(string campaign, string execution, string activity, long profile, long? row = null) =>
        row is { } entityRow ? $"{campaign}.{execution}.{activity}.{profile}.{entityRow}" : $"{campaign}.{execution}.{activity}.{profile}";

    /// <summary>The id of an alert to one of its targets: no profile in it, so feedback about it changes nobody's consent.</summary>
    public static string AlertIdFor(string campaign, string execution, string activity, long target) =>
        $"{campaign}.{execution}.{activity}.alert{target}";
}

/// <summary>What a message id names, read back from its text: its profile, and the entity row when it was sent for one.</summary>
public sealed record MessageId(string Campaign, string Execution, string Activity, long Profile, long? Row = null)
{
    /// <summary>The parts of an id made by <see cref="OutboundMessage.IdFor"/> (no part but the numbers holds a dot), or null.</summary>
    public static MessageId? Parse(string text)
    {
        var parts = text.Split('.');
        if (parts.Length is not (4 or 5) || !parts.Take(3).All(p => p.Length is > 0 and <= 64) || Number(parts[3]) is not { } profile)
            return null;
        if (parts.Length == 4)
            return new MessageId(parts[0], parts[1], parts[2], profile);
        return Number(parts[4]) is { } row ? new MessageId(parts[0], parts[1], parts[2], profile, row) : null;
    }

    private static long? Number(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>Whether the text is a proof's id (<c>proof-</c> and 32 hex digits): feedback about it names no profile.</summary>
    public static bool IsProof(string text) =>
        text.Length == 38 && text.StartsWith("proof-", StringComparison.Ordinal) && text.AsSpan(6).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>Whether the text is an alert's id (<see cref="OutboundMessage.AlertIdFor"/>).</summary>
    public static bool IsAlert(string text)
    {
        var parts = text.Split('.');
        // The third part is an activity, or a notice named after one (onError-mail): a little longer than an activity id.
        return parts.Length == 4 && parts.Take(3).All(p => p.Length is > 0 and <= 80) && parts[3].StartsWith("alert", StringComparison.Ordinal)
            && long.TryParse(parts[3].AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }
}
