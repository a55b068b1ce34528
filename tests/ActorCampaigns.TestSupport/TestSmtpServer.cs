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
    private readonly SmtpServer.SmtpServer _server;
    private readonly ConcurrentDictionary<ISessionContext, bool> _sessions = new();
    private readonly Task _running;

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>The last message each session delivered: when the server goes down, the only ones a client may not have heard accepted.</summary>
    public ConcurrentDictionary<ISessionContext, MimeMessage> LastOfEachSession { get; } = new();

    public int Port { get; }

    public TestSmtpServer() : this(FreePort())
    {
    }

    public TestSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new ServiceProvider();
        services.Add(new Store(Received, LastOfEachSession));
        services.Add(new RefusingFilter());
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, e) => _sessions.TryAdd(e.Context, true);
        _server.SessionCompleted += (_, e) => _sessions.TryRemove(e.Context, out bool _);
        _server.SessionFaulted += (_, e) => _sessions.TryRemove(e.Context, out bool _);
        _running = _server.StartAsync(CancellationToken.None);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> received, ConcurrentDictionary<ISessionContext, MimeMessage> last) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            received.Enqueue(message);
            last[context] = message;
            return SmtpResponse.Ok;
        }
    }

    private sealed class RefusingFilter : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(to.Host != "refused.example");
    }

    /// <summary>
    /// Goes down as a relay whose machine or network goes: its port refuses connections at once and its sessions are cut
    /// without a word. (Cancelling them instead makes SmtpServer answer a message in progress 554, a permanent refusal.)
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // Sessions are cut before the server is told to shut down, as a crash cuts them: told first, it answers the
        // message in progress with a 554 (a refusal for good), which no relay going down would say.
        CutSessions();
        _server.Shutdown();
        while (await Task.WhenAny(_running, Task.Delay(50)) != _running)
            CutSessions();
    }

    private void CutSessions()
    {
        foreach (var session in _sessions.Keys)
            session.Pipe?.Dispose();
    }
}
