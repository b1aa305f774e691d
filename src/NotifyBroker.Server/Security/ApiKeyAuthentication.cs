using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace NotifyBroker.Server.Security;

/// <summary>
/// The "ApiKey" authentication scheme: "authorization: Bearer &lt;key&gt;" checked against the
/// <see cref="ApiKeyStore"/>. The identity carries "sub" = "key:&lt;id&gt;", "name" = the key's name and one
/// "scope" claim per scope.
/// </summary>
internal sealed class ApiKeyAuthentication : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ApiKey";

    private readonly ApiKeyStore _keys;

    public ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
        : base(options, logger, encoder)
    {
        _keys = keys;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.From(Request) is not { } token)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (_keys.Find(token) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The key is not one this broker accepts (unknown or revoked)."));
        }

        // A key's record never changes (revoking removes it), so its principal is built once and shared by its calls.
        return Results.GetValue(key, static record => Task.FromResult(AuthenticateResult.Success(Ticket(record))));
    }

    private static readonly ConditionalWeakTable<ApiKeyRecord, Task<AuthenticateResult>> Results = [];

    private static AuthenticationTicket Ticket(ApiKeyRecord key)
    {
        var identity = new ClaimsIdentity(SchemeName, CallerClaims.Name, CallerClaims.Scope);
        identity.AddClaim(new Claim(CallerClaims.Subject, "key:" + key.Id));
        identity.AddClaim(new Claim(CallerClaims.Name, key.Name));
        foreach (var scope in key.Scopes)
        {
            identity.AddClaim(new Claim(CallerClaims.Scope, scope));
        }

        return new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName);
    }
}
