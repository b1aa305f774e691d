using System.Buffers.Binary;
using System.Net.Http.Headers;
using Google.Protobuf;
using NotifyBroker.Grpc.Tests.Protocol;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// gRPC by hand over HttpClient: builds request bodies byte by byte and takes responses apart, so the server tests
/// depend on nothing but the wire format.
/// </summary>
internal static class RawGrpc
{
    public static byte[] Frame(IMessage message) => FrameBytes.Frame(0, message.ToByteArray());

    public static byte[] Frames(params IMessage[] messages) => messages.SelectMany(Frame).ToArray();

    public static HttpRequestMessage Request(string path, byte[] body, string contentType = "application/grpc") =>
        Request(path, new ByteArrayContent(body), contentType);

    public static HttpRequestMessage Request(string path, HttpContent content, string contentType = "application/grpc")
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        // HTTP/2 with prior knowledge, no fallback: a request message does not inherit the client's default version.
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.ParseAdd("trailers");
        return request;
    }

    /// <summary>Sends a complete request and reads the whole response, trailers included.</summary>
    public static async Task<GrpcResult> CallAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new GrpcResult(response, body);
    }

    public static Task<GrpcResult> CallAsync(HttpClient client, string path, params IMessage[] requests) =>
        CallAsync(client, Request(path, Frames(requests)));

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
    public StatusCode StatusCode => (StatusCode)int.Parse(Single("grpc-status"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>grpc-message exactly as it was on the wire (still percent-encoded), or null.</summary>
    public string? RawMessage => Trailers.TryGetValue("grpc-message", out var t) ? t[0] : Headers.TryGetValue("grpc-message", out var h) ? h[0] : null;

    public List<(bool Compressed, byte[] Payload)> Messages => RawGrpc.ParseFrames(Body);

    public T Message<T>(MessageParser<T> parser)
        where T : IMessage<T> => parser.ParseFrom(Assert.Single(Messages).Payload);

    public string Single(string name)
    {
        if (Trailers.TryGetValue(name, out var fromTrailers))
        {
            return Assert.Single(fromTrailers);
        }

        Assert.True(Headers.TryGetValue(name, out var fromHeaders), $"no '{name}' in headers or trailers");
        return Assert.Single(fromHeaders!);
    }

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
