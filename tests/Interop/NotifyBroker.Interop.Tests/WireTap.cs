using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace NotifyBroker.Interop.Tests;

/// <summary>
/// An HTTP handler between our client and the wire that keeps a copy of every response body, so that tests can check
/// what the client API does not show: each message's Compressed-Flag and the response's grpc-encoding.
/// </summary>
internal sealed class WireTap() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<TappedResponse> _responses = new();

    public IReadOnlyList<TappedResponse> Responses => [.. _responses];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var tapped = new TappedResponse(request.RequestUri!.AbsolutePath, response.Headers);
        _responses.Enqueue(tapped);
        response.Content = new TeeContent(response.Content, tapped.Body);
        return response;
    }

    /// <summary>Content whose stream copies everything read from the original into <c>copy</c>.</summary>
    private sealed class TeeContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly MemoryStream _copy;

        public TeeContent(HttpContent inner, MemoryStream copy)
        {
            _inner = inner;
            _copy = copy;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new TeeStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _copy);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new TeeStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _copy);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            using var source = await CreateContentReadStreamAsync().ConfigureAwait(false);
            await source.CopyToAsync(stream).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class TeeStream(Stream inner, MemoryStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Record(buffer[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Record(buffer.Span[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Record(ReadOnlySpan<byte> bytes)
        {
            lock (copy)
            {
                copy.Write(bytes);
            }
        }
    }
}

/// <summary>One response as it came over the wire.</summary>
internal sealed class TappedResponse(string path, HttpResponseHeaders headers)
{
    public string Path { get; } = path;

    public HttpResponseHeaders Headers { get; } = headers;

    public MemoryStream Body { get; } = new();

    /// <summary>The grpc-encoding response header, or null.</summary>
    public string? Encoding => Headers.TryGetValues("grpc-encoding", out var values) ? values.FirstOrDefault() : null;

    /// <summary>The Compressed-Flag of each complete Length-Prefixed-Message received so far, in order.</summary>
    public IReadOnlyList<bool> CompressedFlags()
    {
        byte[] bytes;
        lock (Body)
        {
            bytes = Body.ToArray();
        }

        var flags = new List<bool>();
        var offset = 0;
        while (bytes.Length - offset >= 5)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 1, 4));
            if (bytes.Length - offset - 5 < length)
            {
                break;
            }

            flags.Add(bytes[offset] == 1);
            offset += 5 + (int)length;
        }

        return flags;
    }
}
