using System.Text;
using System.Text.Json;
using ActorCampaigns.Channels.Outbox;
using CsCheck;

namespace ActorCampaigns.Channels.Tests;

/// <summary>
/// The outbox's own JSON writer against any text a template or an attribute can hold (quotes, backslashes, control
/// characters, markup, non-ASCII, lone surrogates): every line is one valid JSON object that reads back to the
/// message's values (a lone surrogate as U+FFFD), and the buffer it grows into keeps the lines written before.
/// </summary>
public sealed class OutboxLinesProperties
{
    /// <summary>Text a template or an attribute can hold: also what the cluster's outbox rows are checked against.</summary>
    internal static readonly Gen<string> Text = Gen.OneOf(
        Gen.Char.Array[0, 40].Select(chars => new string(chars)),
        Gen.OneOf(Gen.Const("\""), Gen.Const("\\"), Gen.Const("\n"), Gen.Const("\u0001"), Gen.Const("<a href=\"x\">"), Gen.Const("é"), Gen.Const("😀"),
            Gen.Const("\ud800"), Gen.Const("\u2028"), Gen.Const("plain text ")).Array[0, 30].Select(string.Concat));

    /// <summary>What a JSON reader gives back for a text written as UTF-8: lone surrogates replaced.</summary>
    internal static string AsWritten(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Every_line_is_valid_json_with_the_messages_values()
    {
        Gen.Select(Text, Text, Text, Gen.Long[0, long.MaxValue]).Array[1, 30].Sample(messages =>
        {
            var outbound = messages.Select(m => new OutboundMessage(OutboundMessage.IdFor("c-1", "e-1", "mail", m.Item4), "c-1", "e-1", "mail", m.Item4,
                m.Item1, [new("subject", m.Item2), new("html", m.Item3)])).ToList();
            using var lines = OutboxLines.Of(outbound);
            var text = Encoding.UTF8.GetString(lines.Written.Span);
            Assert.EndsWith("\n", text);
            var parsed = text[..^1].Split('\n');
            Assert.Equal(outbound.Count, parsed.Length);
            for (var i = 0; i < parsed.Length; i++)
            {
                using var document = JsonDocument.Parse(parsed[i]);
                var line = document.RootElement;
                Assert.Equal(outbound[i].MessageId, line.GetProperty("messageId").GetString());
                Assert.Equal(outbound[i].ProfileId, line.GetProperty("profileId").GetInt64());
                Assert.Equal(AsWritten(outbound[i].To), line.GetProperty("to").GetString());
                Assert.Equal(AsWritten(outbound[i].Content[0].Value), line.GetProperty("subject").GetString());
                Assert.Equal(AsWritten(outbound[i].Content[1].Value), line.GetProperty("html").GetString());
            }
            Assert.Equal(outbound.Select(m => m.ProfileId), lines.Profiles);
        });
    }

    [Fact]
    public void A_retry_keeps_only_the_lines_whose_message_is_not_present()
    {
        var outbound = Enumerable.Range(1, 5).Select(p => new OutboundMessage(OutboundMessage.IdFor("c-1", "e-1", "mail", p), "c-1", "e-1", "mail", p,
            $"p{p}@example.com", [new("subject", "\"quoted\"")])).ToList();
        using var lines = OutboxLines.Of(outbound);
        var kept = lines.Except(new HashSet<string> { "c-1.e-1.mail.2", "c-1.e-1.mail.5" })
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("profileId").GetInt64());
        Assert.Equal([1L, 3, 4], kept);
    }
}
