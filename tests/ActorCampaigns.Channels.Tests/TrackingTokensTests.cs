using System.Buffers.Text;
using System.Security.Cryptography;
using ActorCampaigns.Channels.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace ActorCampaigns.Channels.Tests;

public class TrackingTokensTests
{
    private static readonly byte[] Key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Key2 = RandomNumberGenerator.GetBytes(32);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private TrackingTokens Tokens(string current = "k1", params (string Id, byte[] Key)[] keys) =>
        new(keys.Length == 0 ? new Dictionary<string, byte[]> { ["k1"] = Key1 } : keys.ToDictionary(k => k.Id, k => k.Key), current, TimeSpan.FromDays(30), _clock);

    [Fact]
    public void A_token_names_its_message_and_link()
    {
        var tokens = Tokens();
        var message = tokens.Verify(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message), TrackingPurpose.Message);
        Assert.Equal(new TrackingClaim("c-1", "e-2", "mail", 42, TrackingPurpose.Message, null, _clock.GetUtcNow().AddDays(30)), message);
        var link = tokens.Verify(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://example.com/offer?a=1&b=é"), TrackingPurpose.Link);
        Assert.Equal("https://example.com/offer?a=1&b=é", link!.Link);
    }

    [Fact]
    public void A_click_token_pairs_the_message_with_the_link_signed_once_for_the_activity()
    {
        var tokens = Tokens();
        var first = tokens.Click(tokens.IssueMessage("c-1", "e-2", "mail", 42, links: 1).Click, "c-1", "e-2", "mail", "https://example.com/offer");
        var second = tokens.Click(tokens.IssueMessage("c-1", "e-2", "mail", 43, links: 1).Click, "c-1", "e-2", "mail", "https://example.com/offer");
        Assert.Equal(new TrackingClaim("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://example.com/offer", _clock.GetUtcNow().AddDays(30), Links: 1),
            tokens.VerifyClick(first));
        Assert.Equal(43, tokens.VerifyClick(second)!.Profile);
        Assert.Equal(first.Split('.')[1], second.Split('.')[1]);
        // A minute on, the link is signed again, so its expiry follows the messages'.
        _clock.Advance(TimeSpan.FromMinutes(2));
        var later = tokens.Click(tokens.IssueMessage("c-1", "e-2", "mail", 44, links: 1).Click, "c-1", "e-2", "mail", "https://example.com/offer");
        Assert.NotEqual(first.Split('.')[1], later.Split('.')[1]);
        Assert.Equal(_clock.GetUtcNow().AddDays(30), tokens.VerifyClick(later)!.ExpiresAt);
    }

    [Fact]
    public void A_click_token_refuses_parts_of_other_activities_or_purposes()
    {
        var tokens = Tokens();
        var (message, click) = tokens.IssueMessage("c-1", "e-2", "mail", 42, links: 1);
        var otherActivity = tokens.Click(tokens.IssueMessage("c-1", "e-2", "mail2", 42, links: 1).Click, "c-1", "e-2", "mail2", "https://evil.example");
        var otherExecution = tokens.Click(tokens.IssueMessage("c-1", "e-3", "mail", 42, links: 1).Click, "c-1", "e-3", "mail", "https://evil.example");
        var link = tokens.Click(click, "c-1", "e-2", "mail", "https://example.com").Split('.')[1];
        Assert.NotNull(tokens.VerifyClick($"{click}.{link}"));
        Assert.Null(tokens.VerifyClick($"{click}.{otherActivity.Split('.')[1]}"));
        Assert.Null(tokens.VerifyClick($"{click}.{otherExecution.Split('.')[1]}"));
        Assert.Null(tokens.VerifyClick($"{message}.{link}")); // the message token opens and unsubscribes; it does not click
        Assert.Null(tokens.VerifyClick($"{link}.{link}"));
        Assert.Null(tokens.VerifyClick($"{click}.{click}"));
        Assert.Null(tokens.VerifyClick(link));
        Assert.Null(tokens.VerifyClick(click));
        Assert.Null(tokens.VerifyClick($"{click}.{link}.{link}"));
        Assert.Null(tokens.Verify(link, TrackingPurpose.Link));
    }

    [Fact]
    public void A_message_click_token_neither_opens_nor_unsubscribes_and_cannot_be_made_from_the_message_token()
    {
        var tokens = Tokens();
        var (message, click) = tokens.IssueMessage("c-1", "e-2", "mail", 42, links: 0);
        Assert.Equal(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message), message); // as a message token alone
        Assert.NotNull(tokens.Verify(message, TrackingPurpose.Message));
        Assert.Null(tokens.Verify(click, TrackingPurpose.Message));
        Assert.Equal(42, tokens.Verify(click, TrackingPurpose.MessageClick)!.Profile);
        Assert.Null(tokens.Verify(message, TrackingPurpose.MessageClick));
        // The same claim with the other purpose byte and the message's tag: the halves differ, so it fails.
        var bytes = Base64Url.DecodeFromChars(message);
        var purposeAt = Array.IndexOf(bytes, (byte)TrackingPurpose.Message, 1);
        bytes[purposeAt] = (byte)TrackingPurpose.MessageClick;
        Assert.Null(tokens.Verify(Base64Url.EncodeToString(bytes), TrackingPurpose.MessageClick));
        var clickBytes = Base64Url.DecodeFromChars(click);
        clickBytes[purposeAt] = (byte)TrackingPurpose.Message;
        Assert.Null(tokens.Verify(Base64Url.EncodeToString(clickBytes), TrackingPurpose.Message));
        Assert.Throws<ArgumentException>(() => tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.MessageClick));
    }

    [Fact]
    public void A_link_token_of_an_email_sent_before_still_verifies_as_a_click() =>
        Assert.Equal("https://example.com/offer", Tokens().VerifyClick(Tokens().Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://example.com/offer"))!.Link);

    [Fact]
    public void A_message_token_of_version_1_sent_before_links_were_counted_still_verifies_with_no_count()
    {
        // Version 1, key id "k1", purpose Message, expiry, campaign, execution, activity, profile: no number of links.
        var expires = (ulong)_clock.GetUtcNow().AddDays(3).ToUnixTimeSeconds();
        var payload = new List<byte> { 1, 2, (byte)'k', (byte)'1', (byte)TrackingPurpose.Message };
        for (var value = expires; ; value >>= 7)
        {
            payload.Add((byte)(value < 0x80 ? value : (value & 0x7F) | 0x80));
            if (value < 0x80)
                break;
        }
        foreach (var text in new[] { "c-1", "e-2", "mail" })
            payload.AddRange([(byte)text.Length, .. System.Text.Encoding.UTF8.GetBytes(text)]);
        payload.Add(42);
        var token = Base64Url.EncodeToString([.. payload, .. HMACSHA256.HashData(Key1, payload.ToArray())[..16]]);

        var claim = Tokens().Verify(token, TrackingPurpose.Message);
        Assert.Equal(("c-1", "e-2", "mail", 42L, 0), (claim!.Campaign, claim.Execution, claim.Activity, claim.Profile, claim.Links));
        Assert.Equal(5, Tokens().Verify(Tokens().IssueMessage("c-1", "e-2", "mail", 42, links: 5).Message, TrackingPurpose.Message)!.Links);
    }

    [Fact]
    public void A_token_is_compact()
    {
        var token = Tokens().Issue("c-17", "e-1", "mail", 9_999_999, TrackingPurpose.Message);
        Assert.InRange(token.Length, 1, 64);
    }

    [Fact]
    public void Any_altered_byte_makes_the_token_invalid()
    {
        var tokens = Tokens();
        var bytes = Base64Url.DecodeFromChars(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://example.com/offer"));
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.Null(tokens.Verify(Base64Url.EncodeToString(altered), TrackingPurpose.Link));
        }
        Assert.Null(tokens.Verify(Base64Url.EncodeToString(bytes[..^1]), TrackingPurpose.Link));
        Assert.Null(tokens.Verify(Base64Url.EncodeToString([.. bytes, 0]), TrackingPurpose.Link));
    }

    [Fact]
    public void A_token_signed_with_another_key_of_the_same_id_is_refused()
    {
        var forged = Tokens("k1", ("k1", Key2)).Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://evil.example");
        Assert.Null(Tokens().Verify(forged, TrackingPurpose.Link));
    }

    [Fact]
    public void A_token_serves_only_its_purpose()
    {
        var tokens = Tokens();
        Assert.Null(tokens.Verify(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message), TrackingPurpose.Link));
        Assert.Null(tokens.Verify(tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Link, "https://example.com"), TrackingPurpose.Message));
    }

    [Fact]
    public void A_token_expires()
    {
        var tokens = Tokens();
        var token = tokens.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.NotNull(tokens.Verify(token, TrackingPurpose.Message));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(tokens.Verify(token, TrackingPurpose.Message));
    }

    [Fact]
    public void Keys_rotate_old_tokens_verify_while_their_key_is_kept()
    {
        var old = Tokens("k1", ("k1", Key1)).Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message);
        var rotated = Tokens("k2", ("k1", Key1), ("k2", Key2));
        Assert.NotNull(rotated.Verify(old, TrackingPurpose.Message));
        var fresh = rotated.Issue("c-1", "e-2", "mail", 42, TrackingPurpose.Message);
        Assert.NotNull(Tokens("k2", ("k2", Key2)).Verify(fresh, TrackingPurpose.Message));
        Assert.Null(Tokens("k2", ("k2", Key2)).Verify(old, TrackingPurpose.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AQ")]
    [InlineData("AQJrMQEAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Garbage_is_refused_without_an_error(string token) => Assert.Null(Tokens().Verify(token, TrackingPurpose.Message));

    [Fact]
    public void Oversized_tokens_are_refused_before_decoding() =>
        Assert.Null(Tokens().Verify(new string('A', TrackingTokens.MaxLength + 1), TrackingPurpose.Message));

    [Fact]
    public void Keys_must_be_long_enough_and_the_current_one_known()
    {
        Assert.Throws<ArgumentException>(() => new TrackingTokens(new Dictionary<string, byte[]> { ["k1"] = new byte[16] }, "k1", TimeSpan.FromDays(1), _clock));
        Assert.Throws<ArgumentException>(() => new TrackingTokens(new Dictionary<string, byte[]> { ["k1"] = Key1 }, "k2", TimeSpan.FromDays(1), _clock));
    }
}
