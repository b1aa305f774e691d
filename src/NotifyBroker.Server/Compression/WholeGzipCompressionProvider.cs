using System.IO.Compression;
using Grpc.Net.Compression;

namespace NotifyBroker.Server.Compression;

/// <summary>
/// gzip for gRPC messages that always writes a whole gzip member. .NET's GZipStream writes nothing at all for an
/// empty input, so Grpc.AspNetCore's own provider sends an empty reply (AddAliasReply, DeleteAliasReply) as a
/// "compressed" message of 0 bytes, which is not valid gzip: grpc-js and grpc-java then fail the call with INTERNAL.
/// This provider writes the 20-byte empty gzip member in that case instead.
/// </summary>
internal sealed class WholeGzipCompressionProvider(CompressionLevel defaultLevel) : ICompressionProvider
{
    // RFC 1952: header (ID1 ID2, CM=8 deflate, no flags, no mtime, XFL 0, OS unknown), an empty final fixed-Huffman
    // deflate block (RFC 1951), CRC32 = 0 and ISIZE = 0.
    private static readonly byte[] EmptyMember =
        [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new EmptyAwareStream(stream, new GZipStream(stream, compressionLevel ?? defaultLevel, leaveOpen: true));

    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);

    /// <summary>Passes writes to the gzip stream; if none came, writes <see cref="EmptyMember"/> to the output when disposed.</summary>
    private sealed class EmptyAwareStream(Stream output, GZipStream gzip) : Stream
    {
        private bool _written;
        private bool _disposed;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _written |= !buffer.IsEmpty;
            gzip.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written |= !buffer.IsEmpty;
            return gzip.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => gzip.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => gzip.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                gzip.Dispose();
                if (!_written)
                {
                    output.Write(EmptyMember);
                }
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                await gzip.DisposeAsync().ConfigureAwait(false);
                if (!_written)
                {
                    await output.WriteAsync(EmptyMember).ConfigureAwait(false);
                }
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
