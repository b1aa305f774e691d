using System.IO.Compression;

namespace NotifyBroker.Grpc.Protocol.Compression;

/// <summary>
/// One message encoding (grpc-encoding). Each message gets its own stream: compression contexts are never kept
/// across message boundaries (PROTOCOL-HTTP2.md).
/// </summary>
public interface ICompressionProvider
{
    /// <summary>The grpc-encoding token, e.g. "gzip".</summary>
    string EncodingName { get; }

    /// <summary>A stream that compresses what is written to it into <paramref name="destination"/>.</summary>
    Stream CreateCompressionStream(Stream destination, CompressionLevel level);

    /// <summary>A stream that yields the decompressed bytes of <paramref name="source"/>.</summary>
    Stream CreateDecompressionStream(Stream source);
}
