using System.Net;
using System.Net.Sockets;

namespace ActorCampaigns.LoadTest;

/// <summary>Ports for processes a run starts on this machine (nodes, PostgreSQL servers).</summary>
public static class LoopbackPorts
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Given = new();

    /// <summary>
    /// A loopback port free at the moment of asking (the system's choice of an ephemeral port), and never one this
    /// process handed out before: two nodes started side by side would otherwise be given the same port before either
    /// bound it (one's HTTP port the other's cluster port).
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, true))
                return port;
        }
    }
}
