using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// gRPC requests for paths nobody serves: HTTP 200, Trailers-Only, grpc-status 12 (statuscodes.md: "Method not found
/// at server" is UNIMPLEMENTED).
/// </summary>
internal static class UnimplementedCallHandler
{
    public static readonly RequestDelegate UnknownService = static httpContext =>
    {
        GrpcResponseStatus.WriteTrailersOnly(httpContext, GrpcProtocolStatus.ServiceUnimplemented);
        return Task.CompletedTask;
    };

    public static readonly RequestDelegate UnknownMethod = static httpContext =>
    {
        GrpcResponseStatus.WriteTrailersOnly(httpContext, GrpcProtocolStatus.MethodUnimplemented);
        return Task.CompletedTask;
    };
}
