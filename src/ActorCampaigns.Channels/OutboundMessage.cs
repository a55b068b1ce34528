namespace ActorCampaigns.Channels;

/// <summary>
/// One rendered message to one profile. <see cref="MessageId"/> is derived from (campaign, execution, activity,
/// profile), so a message re-sent after a crash carries the same id and providers can drop the repeat.
/// </summary>
public sealed record OutboundMessage(
    string MessageId, string CampaignId, string ExecutionId, string ActivityId, long ProfileId, string To,
    IReadOnlyList<KeyValuePair<string, string>> Content)
{
    /// <summary>The content field of an email's one-click unsubscribe URL (RFC 8058 headers for SMTP).</summary>
    public const string UnsubscribeUrl = "unsubscribeUrl";

    public static string IdFor(string campaign, string execution, string activity, long profile) =>
        $"{campaign}.{execution}.{activity}.{profile}";

    /// <summary>The id of an alert to one of its targets: no profile in it, so feedback about it changes nobody's consent.</summary>
    public static string AlertIdFor(string campaign, string execution, string activity, int target) =>
        $"{campaign}.{execution}.{activity}.alert{target}";
}

/// <summary>What a message id names, read back from its text.</summary>
public sealed record MessageId(string Campaign, string Execution, string Activity, long Profile)
{
    /// <summary>The parts of an id made by <see cref="OutboundMessage.IdFor"/> (no part but the last holds a dot), or null.</summary>
    public static MessageId? Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.Take(3).All(p => p.Length is > 0 and <= 64)
            && long.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var profile)
            ? new MessageId(parts[0], parts[1], parts[2], profile)
            : null;
    }

    /// <summary>Whether the text is a proof's id (<c>proof-</c> and 32 hex digits): feedback about it names no profile.</summary>
    public static bool IsProof(string text) =>
        text.Length == 38 && text.StartsWith("proof-", StringComparison.Ordinal) && text.AsSpan(6).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>Whether the text is an alert's id (<see cref="OutboundMessage.AlertIdFor"/>).</summary>
    public static bool IsAlert(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.Take(3).All(p => p.Length is > 0 and <= 64) && parts[3].StartsWith("alert", StringComparison.Ordinal)
            && int.TryParse(parts[3].AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }
}
