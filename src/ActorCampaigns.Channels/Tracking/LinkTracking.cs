using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorCampaigns.Channels.Tracking;

/// <summary>
/// Tracking of one node: its public base URL and its tokens. An email's html gets an open pixel and each http(s) link
/// rewritten to <c>/t/c/{token}</c>, the token naming the message and the link (<see cref="TrackingTokens.Click"/>), so a
/// click can only lead to a link of the activity's messages; each message also gets its one-click unsubscribe URL
/// <c>/t/u/{token}</c>.
/// </summary>
public sealed partial class LinkTracking(Uri publicBaseUrl, TrackingTokens tokens)
{
    private readonly string _base = publicBaseUrl.AbsoluteUri.TrimEnd('/');

    public TrackingTokens Tokens => tokens;

    /// <summary>The URL of an http(s) link of an <c>a</c> element.</summary>
    [GeneratedRegex("""(?<=<a\b[^>]*?\bhref\s*=\s*["'])https?://[^"'<>\s]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkUrl();

    /// <summary>One builder per thread: a channel renders a message at a time, hundreds of thousands of them.</summary>
    [ThreadStatic]
    private static StringBuilder? t_html;

    /// <summary>The message's token for its open pixel and its unsubscribe URL, and its click token for its links.</summary>
    public (string Message, string Click) MessageTokens(OutboundMessage message) =>
        tokens.IssueMessage(message.CampaignId, message.ExecutionId, message.ActivityId, message.ProfileId);

    public string UnsubscribeUrl(string messageToken) => $"{_base}/t/u/{messageToken}";

    /// <summary>An email with its html tracked (<see cref="Track"/>) and its one-click unsubscribe URL added.</summary>
    public OutboundMessage TrackEmail(OutboundMessage message)
    {
        var issued = MessageTokens(message);
        var content = new KeyValuePair<string, string>[message.Content.Count + 1];
        for (var i = 0; i < message.Content.Count; i++)
            content[i] = message.Content[i] is { Key: "html" } html ? KeyValuePair.Create(html.Key, Track(html.Value, message, issued)) : message.Content[i];
        content[^1] = KeyValuePair.Create(OutboundMessage.UnsubscribeUrl, UnsubscribeUrl(issued.Message));
        return message with { Content = content };
    }

    /// <summary>The html with its links rewritten to click URLs and an open pixel before the end of its body.</summary>
    public string Track(string html, OutboundMessage message, (string Message, string Click) messageTokens)
    {
        var messageToken = messageTokens.Message;
        var tracked = (t_html ??= new StringBuilder(1024)).Clear();
        var bodyEnd = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        var copied = 0;
        void CopyUntil(int end)
        {
            if (bodyEnd >= copied && bodyEnd < end)
            {
                tracked.Append(html, copied, bodyEnd - copied);
                AppendPixel(tracked, messageToken);
                copied = bodyEnd;
            }
            tracked.Append(html, copied, end - copied);
            copied = end;
        }
        foreach (var link in LinkUrl().EnumerateMatches(html))
        {
            CopyUntil(link.Index);
            var url = html.AsSpan(link.Index, link.Length);
            var target = url.Contains('&') ? WebUtility.HtmlDecode(url.ToString()) : url.ToString();
            tracked.Append(_base).Append("/t/c/").Append(tokens.Click(messageTokens.Click, message.CampaignId, message.ExecutionId, message.ActivityId, target));
            copied += link.Length;
        }
        CopyUntil(html.Length);
        if (bodyEnd < 0)
            AppendPixel(tracked, messageToken);
        return tracked.ToString();
    }

    private void AppendPixel(StringBuilder html, string messageToken) =>
        html.Append("<img src=\"").Append(_base).Append("/t/o/").Append(messageToken).Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">");
}
