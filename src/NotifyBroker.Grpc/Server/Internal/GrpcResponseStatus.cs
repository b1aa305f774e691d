using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// Where and how a call's status goes: Trailers-Only (in the response headers) while nothing has been sent, real
/// trailers afterwards; plus the HTTP-level refusals (405, 415, 426) that still carry a grpc-status.
/// </summary>
internal static class GrpcResponseStatus
{
    public static readonly StringValues GrpcContentType = new(GrpcProtocolConstants.ContentType);

    /// <summary>
    /// The header collection that carries the status: the response headers when the response hasn't started (one
    /// HEADERS frame with END_STREAM: Trailers-Only), the trailers otherwise.
    /// </summary>
    public static IHeaderDictionary TrailersDestination(HttpContext httpContext, bool responseStarted)
    {
        if (!responseStarted && !httpContext.Response.HasStarted)
        {
            return httpContext.Response.Headers;
        }

        return httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers
            ?? throw new InvalidOperationException("The server does not support response trailers (HTTP/2 is required).");
    }

    /// <summary>Writes status and trailing metadata to <paramref name="destination"/>.</summary>
    public static void Write(IHeaderDictionary destination, in Status status, Metadata? trailers)
    {
        if (trailers is { Count: > 0 })
        {
            MetadataCodec.WriteToHeaders(destination, trailers);
        }

        // After the metadata, so an application entry can never masquerade as the status.
        StatusCodec.WriteStatus(destination, status);
    }

    /// <summary>An immediate gRPC error as HTTP 200 Trailers-Only, e.g. for an unknown service or method.</summary>
    public static void WriteTrailersOnly(HttpContext httpContext, in Status status)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.ContentType = GrpcContentType;
        StatusCodec.WriteStatus(response.Headers, status);
    }

    /// <summary>
    /// A refusal at the HTTP level (the request is not gRPC we can serve). The HTTP status keeps non-gRPC clients
    /// from mistaking it for success; grpc-status/grpc-message in the headers tell gRPC clients what went wrong.
    /// </summary>
    public static void WriteHttpError(HttpContext httpContext, int httpStatus, StatusCode code, string detail)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        StatusCodec.WriteStatus(response.Headers, new Status(code, detail));
    }
}
