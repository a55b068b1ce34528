using System.Threading.Channels;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace ActorCampaigns.Channels.Smtp;

/// <summary>
/// Sends emails through an SMTP relay with MailKit over a pool of open connections, each message on one of them.
/// A message the relay refuses (a 5xx for the sender or recipient, a bad address) fails with the relay's reason. A relay
/// that cannot be reached or drops the connection is tried again with backoff (<see cref="SmtpOptions.Attempts"/>), and a
/// circuit breaker stops trying while it keeps failing; the message is then deferred, not failed: the delivery sends it
/// again later (<see cref="Patience"/>) with the same Message-ID. Each message carries its
/// message id as its Message-ID header and, when tracked, RFC 8058 one-click unsubscribe headers.
/// </summary>
public sealed class SmtpProvider : IMessageSender, IAsyncDisposable
{
    public string Name => "smtp";

    private readonly SmtpOptions _options;
    private readonly SecureSocketOptions _security;
    private readonly Channel<SmtpClient> _idle;
    private readonly List<SmtpClient> _clients = [];
    private readonly ResiliencePipeline _pipeline;

    public SmtpProvider(SmtpOptions options)
    {
        _options = options;
        _security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var security)
            ? security
            : throw new ArgumentException($"SMTP security '{options.Security}' is not None, StartTls, StartTlsWhenAvailable, SslOnConnect or Auto");
        if (options.Connections is < 1 or > 64)
            throw new ArgumentException($"SMTP connections must be between 1 and 64, not {options.Connections}");
        if (options.Attempts is < 1 or > 10 || options.BreakSeconds < 1 || options.OutageSeconds < 0)
            throw new ArgumentException("SMTP attempts must be 1-10, break seconds at least 1 and outage seconds not negative");
        Patience = TimeSpan.FromSeconds(options.OutageSeconds);
        _pipeline = Resilience(options);
        _idle = Channel.CreateBounded<SmtpClient>(options.Connections);
        for (var i = 0; i < options.Connections; i++)
        {
            var client = new SmtpClient();
            _clients.Add(client);
            _idle.Writer.TryWrite(client);
        }
    }

    /// <summary><see cref="SmtpOptions.OutageSeconds"/>.</summary>
    public TimeSpan Patience { get; }

    /// <summary>
    /// Retries around one circuit breaker for the whole pool (an open circuit is not retried), both for a relay that
    /// cannot be reached; a message the relay answered is never tried again.
    /// </summary>
    private static ResiliencePipeline Resilience(SmtpOptions options)
    {
        var unreachable = new PredicateBuilder().Handle<Exception>(Unreachable);
        var builder = new ResiliencePipelineBuilder();
        if (options.Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = unreachable, MaxRetryAttempts = options.Attempts - 1, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
            });
        }
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = unreachable, FailureRatio = 0.5, MinimumThroughput = 20, SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
            })
            .Build();
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
        var attempts = 0;
        try
        {
            await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                try
                {
                    await ConnectAsync(client, token);
                    await client.SendAsync(mime, token);
                }
                catch (Exception e) when (Unreachable(e))
                {
                    // The next try opens a fresh session.
                    await client.DisconnectAsync(false, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    throw;
                }
            }, cancellationToken);
            return new SendResult(message, null, Attempts: attempts);
        }
        catch (BrokenCircuitException)
        {
            return new SendResult(message, "circuit open: the relay kept failing", Deferred: true, attempts);
        }
        catch (Exception e) when (Unreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            return new SendResult(message, $"connection: {e.Message}", Deferred: true, attempts);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            // A temporary refusal (greylisting, a full queue): "try again later", which the delivery does, as for an outage.
            return new SendResult(message, $"{(int)e.StatusCode} {e.Message}".Trim(), Deferred: true, attempts);
        }
        catch (SmtpCommandException e)
        {
            // The relay answered for good: it will answer the same again. The next message starts on a fresh session.
            await client.DisconnectAsync(true, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            return new SendResult(message, $"{(int)e.StatusCode} {e.Message}".Trim(), Attempts: attempts);
        }
        finally
        {
            _idle.Writer.TryWrite(client);
        }
    }

    /// <summary>The relay could not be reached, dropped the session, or said it is closing it (421): no answer about the message itself.</summary>
    private static bool Unreachable(Exception e) =>
        e is SmtpProtocolException or IOException or ServiceNotConnectedException or System.Net.Sockets.SocketException
        || e is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

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
