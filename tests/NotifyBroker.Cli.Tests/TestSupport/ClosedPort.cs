using System.Net;
using System.Net.Sockets;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>An address where nothing listens: a port the OS handed out and that was closed again at once.</summary>
public static class ClosedPort
{
    public static string Address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
