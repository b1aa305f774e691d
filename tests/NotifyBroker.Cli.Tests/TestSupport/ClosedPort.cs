using System.Net;
using System.Net.Sockets;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>
/// An address where nothing listens: a 127.0.0.1 port bound by a socket that never listens. Connecting to it is
/// refused, and because the socket stays bound for the rest of the test run, no other process can start listening
/// there in the meantime (a port that was merely closed again could be taken by anyone).
/// </summary>
public static class ClosedPort
{
    // Kept for the life of the test process: the port is reserved exactly as long as a test may still use the address.
    private static readonly List<Socket> Reserved = [];

    public static string Address()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (Reserved)
        {
            Reserved.Add(socket);
        }

        return $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }
}
