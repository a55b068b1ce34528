using System.Net;
using System.Net.Sockets;

namespace ActorCampaigns.LoadTest;

/// <summary>Ports for processes a run starts on this machine (nodes, PostgreSQL servers).</summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port free at the moment of asking (the system's choice of an ephemeral port).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
