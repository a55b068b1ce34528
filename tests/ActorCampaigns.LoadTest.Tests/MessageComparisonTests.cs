using ActorCampaigns.LoadTest.Commands.Classic;

namespace ActorCampaigns.LoadTest.Tests;

/// <summary>Per channel, the same message ids with the same texts, in any order; where not, the messages that differ are named.</summary>
public sealed class MessageComparisonTests
{
    private static readonly SentMessage[] Sent = Enumerable.Range(1, 5000)
        .Select(i => new SentMessage(i % 3 == 0 ? "sms" : "email", $"c.e.{(i % 3 == 0 ? "text" : "mail")}.{i}", $"Hello {i}")).ToArray();

    private static Func<IAsyncEnumerable<SentMessage>> Source(IEnumerable<SentMessage> messages) => () => Each(messages);

    private static async IAsyncEnumerable<SentMessage> Each(IEnumerable<SentMessage> messages)
    {
        foreach (var message in messages)
            yield return await Task.FromResult(message);
    }

    [Fact]
    public async Task The_same_messages_in_another_order_are_the_same()
    {
        Assert.Empty(await MessageComparison.DifferencesAsync(Source(Sent), Source(Sent.Reverse())));
    }

    [Fact]
    public async Task A_different_text_a_missing_message_and_a_repeated_one_are_named()
    {
        var classic = Sent.Where(m => m.Id != "c.e.mail.10")
            .Select(m => m.Id == "c.e.text.9" ? m with { Text = "Hello nine" } : m)
            .Append(Sent[3]);
        var differences = await MessageComparison.DifferencesAsync(Source(Sent), Source(classic));
        Assert.Equal(2, differences.Count);
        var email = differences[0].Split("\n  ");
        Assert.Equal("email messages: engine 3,334, classic 3,334; ids or texts differ in 2 of 1,024 buckets of message ids", email[0]);
        Assert.Equal(["message c.e.mail.10: engine 'Hello 10', classic did not send it",
            "message c.e.mail.4: engine 'Hello 4', classic sent it 2 times ('Hello 4', 'Hello 4')"], email[1..]);
        Assert.Equal("sms messages: engine 1,666, classic 1,666; ids or texts differ in 1 of 1,024 buckets of message ids\n" +
            "  message c.e.text.9: engine 'Hello 9', classic 'Hello nine'", differences[1]);
    }
}
