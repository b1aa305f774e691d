using System.Net.Http;
using System.Net.Sockets;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// How the client turns a transport failure into a gRPC status when the server sent none (HTTP status codes map in
/// Protocol/HttpStatusMapping).
/// </summary>
internal static class StatusMapping
{
    /// <summary>PROTOCOL-HTTP2.md "Errors": the gRPC code for an RST_STREAM (or GOAWAY) error code from the server.</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM: the server did not process the call; safe to retry.
        0x8 => StatusCode.Cancelled, // CANCEL
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal, // NO_ERROR before trailers, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, …
    };

    /// <summary>
    /// The status for a transport failure: an HTTP/2 reset maps by its error code; anything else that stopped the
    /// bytes (refused connection, broken socket, TLS failure) is UNAVAILABLE.
    /// </summary>
    public static Status FromTransportException(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // A status raised while the handler copied our request content (e.g. by the message writer) arrives
            // wrapped in HttpRequestException: it is still the status that ended the call.
            if (e is RpcException rpcException)
            {
                return rpcException.Status;
            }

            if (e is HttpProtocolException protocolError)
            {
                var code = FromHttp2ErrorCode(protocolError.ErrorCode);
                return new Status(code, $"HTTP/2 error code {protocolError.ErrorCode} ({Http2ErrorName(protocolError.ErrorCode)}) from the server: {protocolError.Message}");
            }
        }

        if (exception is HttpRequestException or IOException or SocketException)
        {
            return new Status(StatusCode.Unavailable, $"Error connecting to or talking with the server: {Describe(exception)}");
        }

        return new Status(StatusCode.Unknown, $"Unexpected client error: {Describe(exception)}");
    }

    private static string Describe(Exception exception) =>
        exception.InnerException is { } inner
            ? $"{exception.GetType().Name}: {exception.Message} ({inner.GetType().Name}: {inner.Message})"
            : $"{exception.GetType().Name}: {exception.Message}";

    private static string Http2ErrorName(long errorCode) => errorCode switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xA => "CONNECT_ERROR",
        0xB => "ENHANCE_YOUR_CALM",
        0xC => "INADEQUATE_SECURITY",
        0xD => "HTTP_1_1_REQUIRED",
        _ => "unknown",
    };
}
