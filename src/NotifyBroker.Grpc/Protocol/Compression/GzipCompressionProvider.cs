using System.IO.Compression;

namespace NotifyBroker.Grpc.Protocol.Compression;

/// <summary>"gzip": an RFC 1952 stream per message.</summary>
public sealed class GzipCompressionProvider : ICompressionProvider
{
    public static readonly GzipCompressionProvider Instance = new();

    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream destination, CompressionLevel level) =>
        new GZipStream(destination, level, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream source) =>
        new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
}
