using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// The HTTP-level gate in front of every method: POST (else 405), HTTP/2 or later (else 426), and a content-type
/// beginning with "application/grpc" (else 415, as PROTOCOL-HTTP2.md asks). Refusals still carry grpc-status.
/// The 426 is reached only on endpoints that accept HTTP/1.x (Http1AndHttp2 over TLS, or HTTP/1 listeners): on an
/// HTTP/2-only endpoint Kestrel answers HTTP/1.x itself with a plain 400 before any middleware runs, and a cleartext
/// Http1AndHttp2 endpoint cannot be used for gRPC because Kestrel then speaks only HTTP/1.1 (no prior-knowledge h2c).
/// </summary>
internal static class GrpcRequestValidation
{
    public static bool TryAccept(HttpContext httpContext, ILogger logger)
    {
        var request = httpContext.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            httpContext.Response.Headers.Allow = HttpMethods.Post;
            Refuse(httpContext, logger, StatusCodes.Status405MethodNotAllowed, $"gRPC requires POST, not {request.Method}.");
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            // Kestrel has no h2c upgrade; the client has to speak HTTP/2 from the start (prior knowledge) or over TLS.
            httpContext.Response.Headers.Upgrade = request.IsHttps ? "h2" : "h2c";
            httpContext.Response.Headers.Connection = "Upgrade";
            Refuse(httpContext, logger, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported: gRPC requires HTTP/2.");
            return false;
        }

        if (!IsGrpcContentType(request.ContentType))
        {
            Refuse(httpContext, logger, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.");
            return false;
        }

        return true;
    }

    /// <summary>"application/grpc", optionally followed by "+proto", "+json", … or parameters.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == GrpcProtocolConstants.ContentType.Length
            || contentType[GrpcProtocolConstants.ContentType.Length] is '+' or ';';
    }

    private static void Refuse(HttpContext httpContext, ILogger logger, int httpStatus, string reason)
    {
        GrpcServerLog.RequestRefused(logger, httpContext.Request.Path.Value ?? string.Empty, httpStatus, reason);
        GrpcResponseStatus.WriteHttpError(httpContext, httpStatus, StatusCode.Internal, reason);
    }
}
