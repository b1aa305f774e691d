using NotifyBroker.Tests.Shared;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// gRPC by hand over HttpClient (HTTP/2 with prior knowledge): request bodies built byte by byte and responses taken
/// apart, so the bad-input tests send exactly the bytes they mean, which no gRPC client would.
/// </summary>
internal static class RawGrpc
{
    public const string ListAliases = "/notify.v1.Notifier/ListAliases";
    public const string Send = "/notify.v1.Notifier/Send";
    public const string Subscribe = "/notify.v1.Notifier/Subscribe";

    /// <summary>An h2c client for the broker at <paramref name="address"/>.</summary>
    public static HttpClient CreateClient(string address) => CreateClient(address, new SocketsHttpHandler());

    /// <summary>
    /// An h2c client whose TCP connections land in <paramref name="connections"/>, so the test can cut them without
    /// any HTTP/2 goodbye (<see cref="Cut"/>), like a crashed client or a pulled cable.
    /// </summary>
    public static HttpClient CreateClient(string address, List<Socket> connections) => CreateClient(address, CapturingHandler(connections));

    private static HttpClient CreateClient(string address, SocketsHttpHandler handler) => new(handler)
    {
        BaseAddress = new Uri(address),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { { "authorization", "Bearer " + InProcessBrokerHost.AdminKey } },
    };

    /// <summary>A handler that records the sockets it connects.</summary>
    public static SocketsHttpHandler CapturingHandler(List<Socket> connections) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            lock (connections)
            {
                connections.Add(socket);
            }

            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>Closes every socket with a TCP reset (linger 0): no GOAWAY, no FIN.</summary>
    public static void Cut(List<Socket> connections)
    {
        lock (connections)
        {
            foreach (var socket in connections)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
        }
    }

    public static byte[] Frame(IMessage message) => FrameBytes.Frame(0, message.ToByteArray());

    public static HttpRequestMessage Request(string path, byte[] body, string? contentType = "application/grpc") =>
        Request(path, new ByteArrayContent(body), contentType);

    public static HttpRequestMessage Request(string path, HttpContent content, string? contentType = "application/grpc")
    {
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        // HTTP/2 with prior knowledge, no fallback: a request message does not inherit the client's default version.
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.ParseAdd("trailers");
        return request;
    }

    /// <summary>Sends a request and reads the whole response, trailers included (bounded by <see cref="Streams.Patience"/>).</summary>
    public static async Task<GrpcResult> CallAsync(HttpClient client, HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        return new GrpcResult(response, body);
    }

    public static Task<GrpcResult> CallAsync(HttpClient client, string path, byte[] body) => CallAsync(client, Request(path, body));

    /// <summary>Splits a response body into (compressed flag, payload) pairs; fails on a malformed body.</summary>
    public static List<(bool Compressed, byte[] Payload)> ParseFrames(byte[] body)
    {
        var frames = new List<(bool, byte[])>();
        var offset = 0;
        while (offset < body.Length)
        {
            Assert.True(body.Length - offset >= 5, "truncated message prefix in response");
            var flag = body[offset];
            Assert.True(flag is 0 or 1, $"bad compressed flag {flag}");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            Assert.True(body.Length - offset - 5 >= length, "truncated message in response");
            frames.Add((flag == 1, body.AsSpan(offset + 5, length).ToArray()));
            offset += 5 + length;
        }

        return frames;
    }

    /// <summary>Only the complete messages at the start of <paramref name="body"/> (a stream still being written may end mid-message).</summary>
    public static List<byte[]> CompleteFrames(byte[] body)
    {
        var frames = new List<byte[]>();
        var offset = 0;
        while (body.Length - offset >= 5)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            if (body.Length - offset - 5 < length)
            {
                break;
            }

            frames.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return frames;
    }
}

/// <summary>A finished response: HTTP status, headers, body, trailers.</summary>
internal sealed class GrpcResult
{
    public GrpcResult(HttpResponseMessage response, byte[] body)
    {
        HttpStatus = (int)response.StatusCode;
        Headers = Flatten(response.Headers, response.Content.Headers);
        Trailers = Flatten(response.TrailingHeaders);
        Body = body;
    }

    public int HttpStatus { get; }

    public Dictionary<string, string[]> Headers { get; }

    public Dictionary<string, string[]> Trailers { get; }

    public byte[] Body { get; }

    /// <summary>True when the status came in the headers of a body-less response: Trailers-Only.</summary>
    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Body.Length == 0;

    /// <summary>grpc-status, from the trailers or (Trailers-Only) the headers.</summary>
    public StatusCode StatusCode => (StatusCode)int.Parse(Single("grpc-status"), CultureInfo.InvariantCulture);

    /// <summary>grpc-message, percent-decoded, or null.</summary>
    public string? Message
    {
        get
        {
            var raw = Trailers.TryGetValue("grpc-message", out var t) ? t[0] : Headers.TryGetValue("grpc-message", out var h) ? h[0] : null;
            return raw is null ? null : Uri.UnescapeDataString(raw);
        }
    }

    public List<(bool Compressed, byte[] Payload)> Messages => RawGrpc.ParseFrames(Body);

    public T Reply<T>(MessageParser<T> parser)
        where T : IMessage<T> => parser.ParseFrom(Assert.Single(Messages).Payload);

    public string Single(string name)
    {
        if (Trailers.TryGetValue(name, out var fromTrailers))
        {
            return Assert.Single(fromTrailers);
        }

        Assert.True(Headers.TryGetValue(name, out var fromHeaders), $"no '{name}' in headers or trailers (HTTP {HttpStatus})");
        return Assert.Single(fromHeaders!);
    }

    /// <summary>The status and message, for assertion messages.</summary>
    public override string ToString() => $"HTTP {HttpStatus}, grpc-status {(Headers.ContainsKey("grpc-status") || Trailers.ContainsKey("grpc-status") ? StatusCode.ToString() : "none")}: {Message}";

    private static Dictionary<string, string[]> Flatten(params HttpHeaders[] all)
    {
        var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var headers in all)
        {
            foreach (var header in headers.NonValidated)
            {
                result[header.Key] = header.Value.ToArray();
            }
        }

        return result;
    }
}
