using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorCampaigns.Channels.Tracking;

/// <summary>
/// Tracking of one node: its public base URL and its tokens. An email's html gets an open pixel and each http(s) link
/// rewritten to <c>/t/c/{token}</c>, the token naming the link, so a click can only lead to a link that was in the
/// message; each message also gets its one-click unsubscribe URL <c>/t/u/{token}</c>.
/// </summary>
public sealed partial class LinkTracking(Uri publicBaseUrl, TrackingTokens tokens)
{
    private readonly string _base = publicBaseUrl.AbsoluteUri.TrimEnd('/');

    public TrackingTokens Tokens => tokens;

    [GeneratedRegex("""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"'<>\s]+)\2""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Link();

    [GeneratedRegex("</body>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BodyEnd();

    /// <summary>The message's token for its open pixel and its unsubscribe URL.</summary>
    public string MessageToken(OutboundMessage message) =>
        tokens.Issue(message.CampaignId, message.ExecutionId, message.ActivityId, message.ProfileId, TrackingPurpose.Message);

    public string UnsubscribeUrl(string messageToken) => $"{_base}/t/u/{messageToken}";

    /// <summary>The html with its links rewritten to click URLs and an open pixel before the end of its body.</summary>
    public string Track(string html, OutboundMessage message, string messageToken)
    {
        var tracked = Link().Replace(html, match =>
        {
            var link = WebUtility.HtmlDecode(match.Groups[3].Value);
            var token = tokens.Issue(message.CampaignId, message.ExecutionId, message.ActivityId, message.ProfileId, TrackingPurpose.Link, link);
            return $"{match.Groups[1].Value}{match.Groups[2].Value}{_base}/t/c/{token}{match.Groups[2].Value}";
        });
        var pixel = $"<img src=\"{_base}/t/o/{messageToken}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
        var end = BodyEnd().Match(tracked);
        return end.Success ? new StringBuilder(tracked).Insert(end.Index, pixel).ToString() : tracked + pixel;
    }
}
