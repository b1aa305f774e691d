using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Turns ASP.NET Core's authorization outcome into gRPC statuses for gRPC calls: no identity (or a key or token that
/// failed) is UNAUTHENTICATED, reason CREDENTIALS_MISSING or CREDENTIALS_INVALID; a missing scope is
/// PERMISSION_DENIED, reason SCOPE_REQUIRED with metadata "scope". Other requests get ASP.NET Core's own 401/403.
/// </summary>
internal sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public const string CredentialsMissing = "CREDENTIALS_MISSING";
    public const string CredentialsInvalid = "CREDENTIALS_INVALID";
    public const string ScopeRequired = "SCOPE_REQUIRED";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // gRPC calls get trailers-only statuses; other requests (the JSON API) the same refusal as HTTP status + Status JSON.
        if (authorizeResult.Succeeded)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        if (authorizeResult.Challenged || context.User.Identity is not { IsAuthenticated: true })
        {
            var failure = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure;
            return failure is null && BearerToken.From(context.Request) is null
                ? GrpcErrorResponse.WriteAsync(context, StatusCode.Unauthenticated,
                    "This call needs an identity: send \"authorization: Bearer <key>\" (see the README's Security section).", CredentialsMissing)
                : GrpcErrorResponse.WriteAsync(context, StatusCode.Unauthenticated,
                    failure?.Message ?? "The credentials were not accepted.", CredentialsInvalid);
        }

        var needed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault()?.Scopes ?? [];
        var scope = string.Join(" or ", needed);
        return GrpcErrorResponse.WriteAsync(context, StatusCode.PermissionDenied,
            needed.Count > 0 ? $"This call needs the scope {scope}." : "This identity may not make this call.",
            ScopeRequired,
            new Dictionary<string, string> { ["scope"] = scope });
    }
}
