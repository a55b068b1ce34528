using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ActorCampaigns.Channels.Tracking;

namespace ActorCampaigns.Channels.Tests;

public class LinkTrackingTests
{
    private readonly LinkTracking _tracking = new(new Uri("https://news.example.com/"),
        new TrackingTokens(new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, "k1", TimeSpan.FromDays(30), TimeProvider.System));

    private static readonly OutboundMessage Message = new("c-1.e-1.mail.7", "c-1", "e-1", "mail", 7, "ada@example.com", []);

    [Fact]
    public void Links_become_click_urls_naming_them_and_an_open_pixel_ends_the_body()
    {
        const string html = """<html><body><p>Hi</p><a class="x" href="https://shop.example/offer?a=1&amp;b=2">Offer</a> <a href='http://b.example/'>B</a> <a href="mailto:help@example.com">Help</a></body></html>""";
        var (tracked, token) = _tracking.Track(html, Message);

        var clicks = Regex.Matches(tracked, "href=[\"']https://news\\.example\\.com/t/c/([A-Za-z0-9_.-]+)[\"']").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, clicks.Count);
        Assert.Equal(["https://shop.example/offer?a=1&b=2", "http://b.example/"],
            clicks.Select(c => _tracking.Tokens.VerifyClick(c)!.Link));
        Assert.All(clicks, c => Assert.Equal(7, _tracking.Tokens.VerifyClick(c)!.Profile));
        // Every token of the message says it held two links (the mailto is not tracked): clicks on both at once tell a scanner.
        Assert.All(clicks, c => Assert.Equal(2, _tracking.Tokens.VerifyClick(c)!.Links));
        Assert.Equal(2, _tracking.Tokens.Verify(token, TrackingPurpose.Message)!.Links);
        // A shared link gives nobody the recipient's unsubscribe or open: no part of it is the message token.
        Assert.All(clicks.SelectMany(c => c.Split('.')), part => Assert.Null(_tracking.Tokens.Verify(part, TrackingPurpose.Message)));
        Assert.DoesNotContain(token, string.Join(" ", clicks));
        Assert.Contains("href=\"mailto:help@example.com\"", tracked);
        Assert.EndsWith($"<img src=\"https://news.example.com/t/o/{token}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\"></body></html>", tracked);
        Assert.Equal(("c-1", "e-1", "mail", 7L), _tracking.Tokens.Verify(token, TrackingPurpose.Message) is { } claim
            ? (claim.Campaign, claim.Execution, claim.Activity, claim.Profile) : default);
        Assert.Equal($"https://news.example.com/t/u/{token}", _tracking.UnsubscribeUrl(token));
    }

    [Fact]
    public void An_email_gets_its_html_tracked_and_an_unsubscribe_url_and_keeps_its_other_fields()
    {
        var email = Message with { Content = [KeyValuePair.Create("subject", "Hi https://a.example"), KeyValuePair.Create("html", "<a href=\"https://a.example\">A</a>")] };
        var tracked = _tracking.TrackEmail(email).Content.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal(["subject", "html", OutboundMessage.UnsubscribeUrl], tracked.Keys);
        Assert.Equal("Hi https://a.example", tracked["subject"]);
        Assert.StartsWith("<a href=\"https://news.example.com/t/c/", tracked["html"]);
        var token = tracked[OutboundMessage.UnsubscribeUrl]["https://news.example.com/t/u/".Length..];
        Assert.Contains($"/t/o/{token}", tracked["html"]);
    }

    [Fact]
    public void A_message_counts_its_distinct_links_a_logo_and_a_button_to_one_page_are_one()
    {
        var (tracked, token) = _tracking.Track("""<a href="https://shop.example/x?a=1&amp;b=2"><img></a> <a href="https://shop.example/x?a=1&b=2">Shop</a> <a href="https://b.example/">B</a>""", Message);
        Assert.Equal(3, Regex.Matches(tracked, "/t/c/").Count);
        Assert.Equal(2, _tracking.Tokens.Verify(token, TrackingPurpose.Message)!.Links);
    }

    [Fact]
    public void Html_without_a_body_gets_the_pixel_at_its_end() =>
        Assert.Matches("^<p>Hi</p><img src=\"https://news.example.com/t/o/[^\"]+\"[^>]*>$", _tracking.Track("<p>Hi</p>", Message).Html);
}
