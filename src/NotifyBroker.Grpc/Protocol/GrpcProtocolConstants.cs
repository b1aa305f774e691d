namespace NotifyBroker.Grpc.Protocol;

/// <summary>Names and numbers of the wire protocol (grpc/grpc doc/PROTOCOL-HTTP2.md), in one place.</summary>
public static class GrpcProtocolConstants
{
    /// <summary>Every gRPC content-type begins with this (optionally followed by "+proto", "+json", …).</summary>
    public const string ContentType = "application/grpc";

    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string MessageEncodingHeader = "grpc-encoding";
    public const string MessageAcceptEncodingHeader = "grpc-accept-encoding";
    public const string MessageTypeHeader = "grpc-message-type";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string ContentTypeHeader = "content-type";
    public const string UserAgentHeader = "user-agent";
    public const string HostHeader = "host";

    /// <summary>The encoding name that means "not compressed".</summary>
    public const string IdentityEncoding = "identity";

    /// <summary>Compressed-Flag (1 byte) + Message-Length (4 bytes, big endian).</summary>
    public const int MessagePrefixSize = 5;

    /// <summary>The receive limit gRPC implementations default to (GRPC_DEFAULT_MAX_RECV_MESSAGE_LENGTH): 4 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>HTTP/2 RST_STREAM error code CANCEL (RFC 9113 §7).</summary>
    public const int Http2CancelErrorCode = 0x8;

    /// <summary>
    /// grpc-timeout carries at most 8 digits; the largest whole-second value is 99,999,999 s (about 3.2 years).
    /// Longer timeouts are clamped to it, which also keeps "now + timeout" far from DateTime overflow.
    /// </summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(99_999_999);
}
