using System.Net.Security;

namespace NotifyBroker.Grpc.Client;

/// <summary>How a <see cref="GrpcChannel"/> connects and what it applies to every call.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// Largest response message accepted (after decompression), in bytes; larger ones fail the call with
    /// RESOURCE_EXHAUSTED. Defaults to 4 MiB like every gRPC implementation; null means no limit.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent, in bytes (before compression); null (the default) means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// The encoding request messages are compressed with: "gzip", or null/"identity" for none (the default).
    /// A call may override it with <see cref="CallOptions.CompressionEncoding"/>.
    /// </summary>
    public string? CompressionEncoding { get; set; }

    /// <summary>Metadata added to every call before the call's own headers (e.g. an API key).</summary>
    public Metadata? DefaultHeaders { get; set; }

    /// <summary>
    /// Sees every call start and end (tracing, metrics, credentials). Null (the default) costs nothing.
    /// </summary>
    public ClientCallObserver? CallObserver { get; set; }

    /// <summary>The user-agent sent with every call.</summary>
    public string UserAgent { get; set; } = "notifybroker-grpc-dotnet/1.0";

    /// <summary>
    /// A handler to send requests through instead of the channel's own SocketsHttpHandler (tests, proxies, custom TLS).
    /// It must speak HTTP/2. The keep-alive, idle-timeout and certificate options below are then ignored.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/>. Default true.</summary>
    public bool DisposeHttpHandler { get; set; } = true;

    /// <summary>Validates the server certificate for https:// addresses; null uses the system's validation.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>How long an idle connection stays pooled. Default 5 minutes.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Send an HTTP/2 PING after this long without activity, so dead connections are noticed (long-lived
    /// subscriptions). Default 60 s; <see cref="Timeout.InfiniteTimeSpan"/> disables pings.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for the PING's acknowledgement before closing the connection. Default 30 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
