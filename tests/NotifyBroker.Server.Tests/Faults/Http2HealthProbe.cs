using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Faults;

/// <summary>
/// One grpc.health.v1 Check over a TCP connection of its own, by hand (RFC 9113): the preface and SETTINGS, the call
/// on stream 1, then frames until the response ends. Little memory per connection, so thousands can be open at once.
/// </summary>
internal static class Http2HealthProbe
{
    /// <summary>The gRPC message of a HealthCheckResponse { status: SERVING }: no compression, 2 bytes, field 1 = 1.</summary>
    public static readonly byte[] Serving = [0, 0, 0, 0, 2, 0x08, 0x01];

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>A socket whose connect to 127.0.0.1:<paramref name="port"/> has been started.</summary>
    public static (Socket Socket, Task Connected) StartConnect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        return (socket, socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
    }

    /// <summary>
    /// The Check on a connected socket: the response's DATA bytes once the server ended stream 1, or why it failed
    /// (a reset stream, a GOAWAY, the connection closed or reset).
    /// </summary>
    public static async Task<(byte[]? Response, string? Failure)> CheckAsync(Socket socket, int port, CancellationToken cancellationToken)
    {
        var headers = RawHttp2Connection.HeaderBlock(
            (":method", "POST"),
            (":scheme", "http"),
            (":path", "/grpc.health.v1.Health/Check"),
            (":authority", $"127.0.0.1:{port}"),
            ("content-type", "application/grpc"),
            ("te", "trailers"));
        byte[] request =
        [
            .. Preface,
            .. RawHttp2Connection.Frame(RawHttp2Connection.Settings, 0, 0, []),
            .. RawHttp2Connection.Frame(RawHttp2Connection.Headers, RawHttp2Connection.EndHeaders, 1, headers),
            .. RawHttp2Connection.Frame(RawHttp2Connection.Data, RawHttp2Connection.EndStream, 1, [0, 0, 0, 0, 0]),
        ];
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);
            var response = new MemoryStream();
            var header = new byte[9];
            while (true)
            {
                await ReceiveExactlyAsync(socket, header, cancellationToken);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                var payload = new byte[length];
                await ReceiveExactlyAsync(socket, payload, cancellationToken);
                switch (type)
                {
                    case RawHttp2Connection.Settings when (flags & RawHttp2Connection.Ack) == 0:
                        await socket.SendAsync(RawHttp2Connection.Frame(RawHttp2Connection.Settings, RawHttp2Connection.Ack, 0, []), SocketFlags.None, cancellationToken);
                        break;
                    case RawHttp2Connection.Ping when (flags & RawHttp2Connection.Ack) == 0:
                        await socket.SendAsync(RawHttp2Connection.Frame(RawHttp2Connection.Ping, RawHttp2Connection.Ack, 0, payload), SocketFlags.None, cancellationToken);
                        break;
                    case RawHttp2Connection.Data when streamId == 1:
                        response.Write(payload);
                        if ((flags & RawHttp2Connection.EndStream) != 0)
                        {
                            return (response.ToArray(), null);
                        }

                        break;
                    case RawHttp2Connection.Headers when streamId == 1 && (flags & RawHttp2Connection.EndStream) != 0:
                        return (response.ToArray(), null);
                    case RawHttp2Connection.RstStream:
                        return (null, $"RST_STREAM {BinaryPrimitives.ReadInt32BigEndian(payload)} on stream {streamId}");
                    case RawHttp2Connection.GoAway:
                        return (null, $"GOAWAY {BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4))}");
                }
            }
        }
        catch (SocketException error)
        {
            return (null, $"socket error {error.SocketErrorCode}");
        }
        catch (EndOfStreamException)
        {
            return (null, "the server closed the connection");
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            buffer = buffer[read..];
        }
    }
}
