using System.IO.Compression;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Server;

/// <summary>Server-wide settings, set through <c>services.AddGrpcServer(o => …)</c>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, in bytes (compressed and decompressed). Default 4 MiB; null = no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocolConstants.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent, in bytes (after compression). Default null = no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Put the exception type and message of an unexpected handler failure into grpc-message. Off by default:
    /// internals stay on the server, the client sees UNKNOWN "Exception was thrown by handler.".
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Encoding (e.g. "gzip") for response messages of every call whose client accepts it (grpc-accept-encoding).
    /// Null: responses are uncompressed unless a handler sets <see cref="ServerCallContext.ResponseEncoding"/>.
    /// </summary>
    public string? ResponseCompression { get; set; }

    public CompressionLevel ResponseCompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>The encodings the server can decompress and compress: gzip and deflate by default.</summary>
    public IList<ICompressionProvider> CompressionProviders { get; } =
        new List<ICompressionProvider> { GzipCompressionProvider.Instance, DeflateCompressionProvider.Instance };
}
