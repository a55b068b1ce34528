using System.Threading.Channels;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ActorCampaigns.Channels.Smtp;

/// <summary>
/// Sends emails through an SMTP relay with MailKit over a pool of open connections, each message on one of them.
/// A message the relay refuses (a 5xx for the sender or recipient, a bad address) fails with the relay's reason;
/// a connection that breaks is opened again and its message retried once, then failed. Each message carries its
/// message id as its Message-ID header and, when tracked, RFC 8058 one-click unsubscribe headers.
/// </summary>
public sealed class SmtpProvider : IMessageSender, IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly SecureSocketOptions _security;
    private readonly Channel<SmtpClient> _idle;
    private readonly List<SmtpClient> _clients = [];

    public SmtpProvider(SmtpOptions options)
    {
        _options = options;
        _security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var security)
            ? security
            : throw new ArgumentException($"SMTP security '{options.Security}' is not None, StartTls, StartTlsWhenAvailable, SslOnConnect or Auto");
        if (options.Connections is < 1 or > 64)
            throw new ArgumentException($"SMTP connections must be between 1 and 64, not {options.Connections}");
        _idle = Channel.CreateBounded<SmtpClient>(options.Connections);
        for (var i = 0; i < options.Connections; i++)
        {
            var client = new SmtpClient();
            _clients.Add(client);
            _idle.Writer.TryWrite(client);
        }
    }

    /// <summary>Sends every message, as many at once as there are connections; the results come in the messages' order.</summary>
    public async Task<IReadOnlyList<SendResult>> SendAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(messages.Select(message => SendAsync(message, cancellationToken)));

    private async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        MimeMessage mime;
        try
        {
            mime = Mime(message);
        }
        catch (ParseException e)
        {
            return new SendResult(message, $"invalid address: {e.Message}");
        }
        var client = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ConnectAsync(client, cancellationToken);
                    await client.SendAsync(mime, cancellationToken);
                    return new SendResult(message, null);
                }
                catch (SmtpCommandException e)
                {
                    // The relay answered: it will answer the same again. The next message starts on a fresh session.
                    await client.DisconnectAsync(true, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    return new SendResult(message, $"{(int)e.StatusCode} {e.Message}".Trim());
                }
                catch (Exception e) when (e is SmtpProtocolException or IOException or ServiceNotConnectedException or System.Net.Sockets.SocketException
                    && !cancellationToken.IsCancellationRequested)
                {
                    await client.DisconnectAsync(false, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    if (attempt == 2)
                        return new SendResult(message, $"connection: {e.Message}");
                }
            }
        }
        finally
        {
            _idle.Writer.TryWrite(client);
        }
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        if (client.IsConnected)
            return;
        // Commands and replies are small writes: without TCP_NODELAY each waits for the peer's delayed ACK (some 40 ms).
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        await client.ConnectAsync(socket, _options.Host, _options.Port, _security, cancellationToken);
        if (!_options.Pipelining)
            client.Capabilities &= ~SmtpCapabilities.Pipelining;
        if (_options.Username is { } user)
            await client.AuthenticateAsync(user, _options.Password ?? "", cancellationToken);
    }

    private MimeMessage Mime(OutboundMessage message)
    {
        string? Field(string name) => message.Content.FirstOrDefault(c => c.Key == name).Value;
        var mime = new MimeMessage { MessageId = $"{message.MessageId}@{_options.MessageIdDomain}", Subject = Field("subject") ?? "" };
        mime.From.Add(MailboxAddress.Parse(Field("from") ?? throw new ParseException("the message has no sender", 0, 0)));
        mime.To.Add(MailboxAddress.Parse(message.To));
        if (Field(OutboundMessage.UnsubscribeUrl) is { } unsubscribe)
        {
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.Body = new BodyBuilder { HtmlBody = Field("html"), TextBody = Field("text") }.ToMessageBody();
        return mime;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.IsConnected)
                await client.DisconnectAsync(true).ContinueWith(_ => { }, TaskScheduler.Default);
            client.Dispose();
        }
    }
}
