namespace ActorCampaigns.Channels.Tracking;

/// <summary>
/// User agents of machines that fetch open pixels for people who did not open anything: a pattern is a user agent
/// as sent (case-insensitive), where <c>*</c> stands for any run of characters; the empty pattern is a request with no
/// user agent at all. By default, Apple Mail Privacy Protection, whose proxy fetches every message's images on
/// delivery with the bare <c>Mozilla/5.0</c>. Gmail's image proxy is not one: it fetches when the person opens.
/// </summary>
public sealed class MachineAgents(IReadOnlyList<string> patterns)
{
    public static readonly IReadOnlyList<string> Known = ["Mozilla/5.0"];

    public bool IsMachine(string? userAgent) => patterns.Any(pattern => Matches(pattern, (userAgent ?? "").Trim()));

    private static bool Matches(string pattern, string agent)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
            return agent.Equals(pattern, StringComparison.OrdinalIgnoreCase);
        if (!agent.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase) || !agent.EndsWith(parts[^1], StringComparison.OrdinalIgnoreCase)
            || agent.Length < parts[0].Length + parts[^1].Length)
            return false;
        var at = parts[0].Length;
        var end = agent.Length - parts[^1].Length;
        foreach (var part in parts[1..^1])
        {
            var found = agent.IndexOf(part, at, end - at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
                return false;
            at = found + part.Length;
        }
        return true;
    }
}
