using System.Net.Sockets;
using System.Text;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>
/// A load generator's HTTP/1.1 client: one kept-alive connection sending GETs one after another and reading each
/// status line and body, nothing more, so the machine's cores go to the server measured rather than to the client
/// (HttpClient took some 50 µs of CPU per request here, as much as the node's work).
/// </summary>
public sealed class KeepAliveGetClient : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly string _host;
    private int _start;
    private int _end;

    private KeepAliveGetClient(string host) => _host = host;

    public static async Task<KeepAliveGetClient> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var client = new KeepAliveGetClient(server.Authority);
        await client._socket.ConnectAsync(server.Host, server.Port, cancellationToken);
        return client;
    }

    /// <returns>The response's status code.</returns>
    public async Task<int> GetAsync(string path, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {_host}\r\n\r\n"), cancellationToken);
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            await ReceiveAsync(cancellationToken);
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var length = head.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        _start += headerEnd + 4;
        while (_end - _start < length)
            await ReceiveAsync(cancellationToken);
        _start += length;
        return status;
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_end, _start) = (_end - _start, 0);
        }
        var received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), cancellationToken);
        if (received == 0)
            throw new IOException("the server closed the connection");
        _end += received;
    }

    public void Dispose() => _socket.Dispose();
}
