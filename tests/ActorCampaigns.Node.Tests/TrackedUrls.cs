using System.Text.RegularExpressions;

namespace ActorCampaigns.Node.Tests;

/// <summary>The tracking URLs of an email's html, as a mail client would follow them.</summary>
internal static partial class TrackedUrls
{
    /// <summary>The open pixel's URL; its group <c>token</c> is the token.</summary>
    [GeneratedRegex("https?://[^\"'<>\\s]+/t/o/(?<token>[A-Za-z0-9_-]+)")]
    public static partial Regex Open();

    /// <summary>A link's click URL; its group <c>token</c> is the token.</summary>
    [GeneratedRegex("https?://[^\"'<>\\s]+/t/c/(?<token>[A-Za-z0-9_.-]+)")]
    public static partial Regex Click();
}
