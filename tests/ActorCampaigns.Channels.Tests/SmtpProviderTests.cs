using ActorCampaigns.Channels.Smtp;
using ActorCampaigns.TestSupport;

namespace ActorCampaigns.Channels.Tests;

public sealed class SmtpProviderTests : IAsyncDisposable
{
    private readonly TestSmtpServer _server = new();

    private static OutboundMessage Email(long profile, string to, string? unsubscribe = null) => new($"c-1.e-1.mail.{profile}", "c-1", "e-1", "mail", profile, to,
        [KeyValuePair.Create("from", "Shop <shop@example.com>"), KeyValuePair.Create("subject", $"Hello {profile}"),
         KeyValuePair.Create("html", $"<p>Hi {profile} – é</p>"), .. unsubscribe is null ? Array.Empty<KeyValuePair<string, string>>() : [KeyValuePair.Create(OutboundMessage.UnsubscribeUrl, unsubscribe)]]);

    [Fact]
    public async Task Messages_reach_the_server_over_a_pool_of_connections_as_MIME_with_their_ids_and_unsubscribe_headers()
    {
        await using var smtp = new SmtpProvider(new SmtpOptions { Port = _server.Port, Security = "None", Connections = 3 });
        var messages = Enumerable.Range(1, 50).Select(i => Email(i, $"p{i}@example.com", $"https://t.example/t/u/tok{i}")).ToList();

        var results = await smtp.SendAsync(messages);

        Assert.All(results, r => Assert.True(r.Sent, r.Failure));
        Assert.Equal(messages.Select(m => m.MessageId), results.Select(r => r.Message.MessageId));
        var received = _server.Received.ToDictionary(m => m.MessageId ?? "");
        Assert.Equal(50, received.Count);
        var seventh = received["c-1.e-1.mail.7@actorcampaigns.local"];
        Assert.Equal(("Hello 7", "p7@example.com", "shop@example.com"), (seventh.Subject, seventh.To.Mailboxes.Single().Address, seventh.From.Mailboxes.Single().Address));
        Assert.Equal("<p>Hi 7 – é</p>", seventh.HtmlBody);
        Assert.Equal("<https://t.example/t/u/tok7>", seventh.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", seventh.Headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task A_refused_or_invalid_recipient_fails_with_its_reason_and_the_others_go_through()
    {
        await using var smtp = new SmtpProvider(new SmtpOptions { Port = _server.Port, Security = "None", Connections = 2 });
        var results = await smtp.SendAsync([Email(1, "a@example.com"), Email(2, "b@refused.example"), Email(3, "not an address"), Email(4, "d@example.com")]);

        Assert.Equal([true, false, false, true], results.Select(r => r.Sent));
        Assert.StartsWith("550", results[1].Failure);
        Assert.StartsWith("invalid address", results[2].Failure);
        Assert.Equal(["a@example.com", "d@example.com"], _server.Received.Select(m => m.To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task An_unreachable_server_defers_each_message_with_the_connection_error_after_its_tries()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        await using var smtp = new SmtpProvider(new SmtpOptions { Port = port, Security = "None", Connections = 1, Attempts = 3, RetryDelayMilliseconds = 10 });
        var result = (await smtp.SendAsync([Email(1, "a@example.com")])).Single();
        Assert.Equal((true, 3), (result.Deferred, result.Attempts));
        Assert.StartsWith("connection:", result.Failure);
    }

    [Fact]
    public async Task A_server_that_keeps_refusing_connections_opens_the_circuit_and_the_rest_wait_without_trying()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        await using var smtp = new SmtpProvider(new SmtpOptions { Port = port, Security = "None", Connections = 4, Attempts = 2, RetryDelayMilliseconds = 10 });
        var results = await smtp.SendAsync(Enumerable.Range(1, 60).Select(i => Email(i, $"p{i}@example.com")).ToList());
        Assert.All(results, r => Assert.True(r.Deferred));
        Assert.Contains(results, r => r.Failure!.StartsWith("circuit open", StringComparison.Ordinal) && r.Attempts == 0);
        Assert.True(results.Sum(r => r.Attempts) < 120, "the open circuit should have spared some tries");
    }

    [Fact]
    public async Task A_server_back_on_its_port_takes_the_messages_again()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        await using var smtp = new SmtpProvider(new SmtpOptions { Port = port, Security = "None", Connections = 1, Attempts = 1 });
        Assert.True((await smtp.SendAsync([Email(1, "a@example.com")])).Single().Deferred);
        await using var back = new TestSmtpServer(port);
        Assert.True((await smtp.SendAsync([Email(1, "a@example.com")])).Single().Sent);
        Assert.Equal("c-1.e-1.mail.1@actorcampaigns.local", back.Received.Single().MessageId);
    }

    [Fact]
    public void Bad_settings_are_refused_with_what_is_wrong()
    {
        Assert.Contains("Tls12", Assert.Throws<ArgumentException>(() => new SmtpProvider(new SmtpOptions { Security = "Tls12" })).Message);
        Assert.Contains("between 1 and 64", Assert.Throws<ArgumentException>(() => new SmtpProvider(new SmtpOptions { Connections = 0 })).Message);
        Assert.Contains("attempts must be 1-10", Assert.Throws<ArgumentException>(() => new SmtpProvider(new SmtpOptions { Attempts = 0 })).Message);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
