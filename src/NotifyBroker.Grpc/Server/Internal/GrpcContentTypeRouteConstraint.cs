using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// Lets the catch-all "unimplemented" routes match gRPC requests only, so every other request to an unknown path
/// still gets the application's ordinary 404.
/// </summary>
internal sealed class GrpcContentTypeRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        routeDirection == RouteDirection.IncomingRequest
        && httpContext is not null
        && GrpcRequestValidation.IsGrpcContentType(httpContext.Request.ContentType);
}
