using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// gRPC requests for paths nobody serves: HTTP 200, Trailers-Only, grpc-status 12 (statuscodes.md: "Method not found
/// at server" is UNIMPLEMENTED), "Service is unimplemented." or, for a mapped service, "Method is unimplemented.".
/// It sits at the very end of the pipeline (after endpoint routing found nothing) instead of being catch-all routes:
/// parameterized routes would be routing candidates for every real call and cost each one route-value allocations.
/// Requests that are not gRPC pass through to the application's ordinary 404.
/// </summary>
internal sealed class UnimplementedCallStartupFilter(GrpcServiceRegistry registry) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Use(nextMiddleware => httpContext =>
        {
            if (!GrpcRequestValidation.IsGrpcContentType(httpContext.Request.ContentType) || httpContext.Response.HasStarted)
            {
                return nextMiddleware(httpContext);
            }

            GrpcResponseStatus.WriteTrailersOnly(httpContext, StatusFor(httpContext.Request.Path.Value));
            return Task.CompletedTask;
        });
    };

    private Status StatusFor(string? path)
    {
        // "/package.Service/Method": is the service one of ours?
        if (path is { Length: > 1 })
        {
            var slash = path.IndexOf('/', 1);
            if (slash > 1 && registry.Find(path[1..slash]) is not null)
            {
                return GrpcProtocolStatus.MethodUnimplemented;
            }
        }

        return GrpcProtocolStatus.ServiceUnimplemented;
    }
}
