using System.Runtime.CompilerServices;
using System.Security.Claims;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Security;

/// <summary>
/// The one mapping from an authenticated principal to the core's <see cref="Caller"/>: API keys and JWTs carry
/// "sub", "name" and "scope" claims (JWT scopes may also come as "scp", space-separated or one claim each).
/// </summary>
internal static class CallerClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Scope = "scope";
    public const string Scp = "scp";
    public const string Issuer = "iss";

    /// <summary>
    /// One caller per principal: authorization, the rate limiter, the service and the audit all ask for it on every
    /// call, and an API key's principal is itself shared by all of that key's calls.
    /// </summary>
    private static readonly ConditionalWeakTable<ClaimsPrincipal, Caller> Callers = [];

    /// <summary>The caller <paramref name="user"/> is, or null when it carries no identity.</summary>
    public static Caller? ToCaller(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Callers.TryGetValue(user, out var known))
        {
            return known;
        }

        if (Build(user) is not { } caller)
        {
            return null;
        }

        return Callers.GetValue(user, _ => caller);
    }

    private static Caller? Build(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        var subject = user.FindFirst(Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var id = identity.AuthenticationType == ApiKeyAuthentication.SchemeName
            ? subject
            : $"jwt:{user.FindFirst(Issuer)?.Value}|{subject}";
        var name = user.FindFirst(Name)?.Value is { Length: > 0 } shown ? shown : subject;
        return new Caller(id, name, ScopesOf(user));
    }

    /// <summary>Every scope <paramref name="user"/> holds.</summary>
    public static IEnumerable<string> ScopesOf(ClaimsPrincipal user) =>
        user.FindAll(static c => c.Type is Scope or Scp)
            .SelectMany(static c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
