using System.IO.Compression;

namespace NotifyBroker.Grpc.Protocol.Compression;

/// <summary>"deflate": as in HTTP content-coding, the zlib format (RFC 1950) around a deflate stream, per message.</summary>
public sealed class DeflateCompressionProvider : ICompressionProvider
{
    public static readonly DeflateCompressionProvider Instance = new();

    public string EncodingName => "deflate";

    public Stream CreateCompressionStream(Stream destination, CompressionLevel level) =>
        new ZLibStream(destination, level, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream source) =>
        new ZLibStream(source, CompressionMode.Decompress, leaveOpen: true);
}
