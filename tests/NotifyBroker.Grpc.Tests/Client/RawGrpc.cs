using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>
/// The server half of the wire protocol written out by hand for the tests (independent of the code under test):
/// frames, gzip, status in headers or trailers.
/// </summary>
internal static class RawGrpc
{
    public const string ContentType = "application/grpc";

    /// <summary>One request message as received: its Compressed-Flag and its payload (decompressed if gzip).</summary>
    public sealed record Frame(byte Flag, byte[] Payload)
    {
        public T Parse<T>(MessageParser<T> parser)
            where T : IMessage<T> => parser.ParseFrom(Flag == 1 ? Gunzip(Payload) : Payload);
    }

    /// <summary>Reads the next frame of the request body; null at END_STREAM.</summary>
    public static async Task<Frame?> ReadFrameAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(request.HttpContext.RequestAborted);
            var buffer = result.Buffer;
            if (buffer.Length >= 5)
            {
                var prefix = buffer.Slice(0, 5).ToArray();
                var length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
                if (buffer.Length >= 5 + length)
                {
                    var payload = buffer.Slice(5, length).ToArray();
                    reader.AdvanceTo(buffer.GetPosition(5 + length));
                    return new Frame(prefix[0], payload);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.Length == 0 ? null : throw new InvalidDataException("Request ended inside a frame.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads every request frame until END_STREAM.</summary>
    public static async Task<List<Frame>> ReadAllFramesAsync(HttpRequest request)
    {
        var frames = new List<Frame>();
        while (await ReadFrameAsync(request) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public static void StartResponse(HttpResponse response, string? encoding = null)
    {
        response.ContentType = ContentType;
        if (encoding is not null)
        {
            response.Headers["grpc-encoding"] = encoding;
        }
    }

    /// <summary>Sends the response HEADERS frame now (Kestrel's StartAsync alone does not flush it).</summary>
    public static async Task SendHeadersAsync(HttpResponse response)
    {
        await response.StartAsync();
        await response.BodyWriter.FlushAsync();
    }

    /// <summary>Writes one frame (gzip-compressed with flag 1 when asked) and flushes it.</summary>
    public static async Task WriteMessageAsync(HttpResponse response, IMessage message, bool gzip = false)
    {
        var payload = message.ToByteArray();
        await WriteFrameAsync(response, gzip ? (byte)1 : (byte)0, gzip ? Gzip(payload) : payload);
    }

    public static async Task WriteFrameAsync(HttpResponse response, byte flag, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        await response.BodyWriter.WriteAsync(frame);
        await response.BodyWriter.FlushAsync();
    }

    /// <summary>Ends a call that has sent headers/messages: grpc-status (and grpc-message) in the trailers.</summary>
    public static void SetTrailerStatus(HttpResponse response, int code, string? encodedMessage = null)
    {
        response.AppendTrailer("grpc-status", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (encodedMessage is not null)
        {
            response.AppendTrailer("grpc-message", encodedMessage);
        }
    }

    /// <summary>Ends a call with nothing sent yet: Trailers-Only (the status in the one HEADERS frame).</summary>
    public static void SetTrailersOnlyStatus(HttpResponse response, int code, string? encodedMessage = null)
    {
        response.ContentType = ContentType;
        response.Headers["grpc-status"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (encodedMessage is not null)
        {
            response.Headers["grpc-message"] = encodedMessage;
        }
    }

    /// <summary>Unpadded base64, as the spec says to emit.</summary>
    public static string Base64Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var input = new MemoryStream(data);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
