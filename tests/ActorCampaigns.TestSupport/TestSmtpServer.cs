using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ActorCampaigns.TestSupport;

/// <summary>
/// A real SMTP server on a loopback port, keeping every message it accepts parsed as MIME; it refuses recipients at
/// <c>refused.example</c>. Disposing it closes its sessions and its port, which then refuses connections until another
/// server is started on it (an outage of the relay).
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    public int Port { get; }

    public TestSmtpServer() : this(FreePort())
    {
    }

    public TestSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new ServiceProvider();
        services.Add(new Store(Received));
        services.Add(new RefusingFilter());
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            // Not cancelled when the server stops: a relay keeps what it accepted (a store failing here would answer 554, a
            // permanent refusal of the message, which no relay gives for its own shutdown).
            using var stream = new MemoryStream(buffer.ToArray());
            received.Enqueue(await MimeMessage.LoadAsync(stream, CancellationToken.None));
            return SmtpResponse.Ok;
        }
    }

    private sealed class RefusingFilter : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(to.Host != "refused.example");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
