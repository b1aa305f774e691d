using System.Net;
using System.Net.Sockets;

namespace NotifyBroker.Client.Tests.TestSupport;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a server, whose <see cref="DropConnections"/> cuts every open connection
/// (as a network failure would) while it keeps accepting new ones.
/// </summary>
internal sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public DroppingProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>How many connections have been cut so far.</summary>
    public int Dropped { get; private set; }

    public void DropConnections()
    {
        lock (_sync)
        {
            foreach (var client in _open)
            {
                // A pump may have closed this side already (its peer went first): then there is nothing to cut.
                if (client.Client is { } socket)
                {
                    try
                    {
                        socket.LingerState = new LingerOption(true, 0); // RST, like a vanished peer
                    }
                    catch (Exception error) when (error is ObjectDisposedException or SocketException)
                    {
                    }
                }

                client.Dispose();
                Dropped++;
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            lock (_sync)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or SocketException)
        {
            // The other side was cut: this direction ends with it.
        }
        finally
        {
            to.Dispose();
        }
    }
}
