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

    /// <summary>The links of the html being tracked and where they are: found once, counted into the message's tokens, then rewritten.</summary>
    [ThreadStatic]
    private static List<(int Index, int Length, string Target)>? t_links;

    [ThreadStatic]
    private static HashSet<string>? t_targets;

    public string UnsubscribeUrl(string messageToken) => $"{_base}/t/u/{messageToken}";

    /// <summary>An email with its html tracked (<see cref="Track"/>) and its one-click unsubscribe URL added.</summary>
    public OutboundMessage TrackEmail(OutboundMessage message)
    {
        var content = new KeyValuePair<string, string>[message.Content.Count + 1];
        string? messageToken = null;
        for (var i = 0; i < message.Content.Count; i++)
        {
            if (message.Content[i] is { Key: "html" } html)
            {
                (var tracked, messageToken) = Track(html.Value, message);
                content[i] = KeyValuePair.Create(html.Key, tracked);
            }
            else
            {
                content[i] = message.Content[i];
            }
        }
        messageToken ??= tokens.IssueMessage(message.CampaignId, message.ExecutionId, message.ActivityId, message.ProfileId, links: 0).Message;
        content[^1] = KeyValuePair.Create(OutboundMessage.UnsubscribeUrl, UnsubscribeUrl(messageToken));
        return message with { Content = content };
    }

    /// <summary>
    /// The html with its links rewritten to click URLs and an open pixel before the end of its body, and the message's
    /// token (pixel, unsubscribe), which counts the distinct links: a scanner follows each once, a logo and a button to
    /// the same page are one.
    /// </summary>
    public (string Html, string MessageToken) Track(string html, OutboundMessage message)
    {
        var (links, targets) = (t_links ??= [], t_targets ??= []);
        links.Clear();
        targets.Clear();
        foreach (var link in LinkUrl().EnumerateMatches(html))
        {
            var url = html.AsSpan(link.Index, link.Length);
            var target = url.Contains('&') ? WebUtility.HtmlDecode(url.ToString()) : url.ToString();
            links.Add((link.Index, link.Length, target));
            targets.Add(target);
        }
        var (messageToken, clickToken) = tokens.IssueMessage(message.CampaignId, message.ExecutionId, message.ActivityId, message.ProfileId, targets.Count);
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
        foreach (var (index, length, target) in links)
        {
            CopyUntil(index);
            tracked.Append(_base).Append("/t/c/").Append(tokens.Click(clickToken, message.CampaignId, message.ExecutionId, message.ActivityId, target));
            copied += length;
        }
        CopyUntil(html.Length);
        if (bodyEnd < 0)
            AppendPixel(tracked, messageToken);
        return (tracked.ToString(), messageToken);
    }

    private void AppendPixel(StringBuilder html, string messageToken) =>
        html.Append("<img src=\"").Append(_base).Append("/t/o/").Append(messageToken).Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">");
}
