using Microsoft.AspNetCore.Authorization;

namespace NotifyBroker.Server.Security;

/// <summary>Met when the caller holds any of <see cref="Scopes"/> (notify:admin meets every one).</summary>
internal sealed class ScopeRequirement(params string[] scopes) : IAuthorizationRequirement
{
    public IReadOnlyList<string> Scopes { get; } = scopes;
}

/// <summary>Checks <see cref="ScopeRequirement"/> against the caller the principal maps to.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (CallerClaims.ToCaller(context.User) is { } caller && requirement.Scopes.Any(caller.Has))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
