using System.Buffers;
using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>A local SMTP server for the delivery benchmark: it takes every message whole and counts it.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Counter _counter = new();

    public int Port { get; }

    public long Received => Interlocked.Read(ref _counter.Messages);

    public SmtpSink()
    {
        Port = LoopbackPorts.Free();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new ServiceProvider();
        services.Add(new Store(_counter));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    private sealed class Counter
    {
        public long Messages;
    }

    private sealed class Store(Counter counter) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter.Messages);
            return Task.FromResult(SmtpResponse.Ok);
        }
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
