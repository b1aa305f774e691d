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

        var identity = new ClaimsIdentity(SchemeName, CallerClaims.Name, CallerClaims.Scope);
        identity.AddClaim(new Claim(CallerClaims.Subject, "key:" + key.Id));
        identity.AddClaim(new Claim(CallerClaims.Name, key.Name));
        foreach (var scope in key.Scopes)
        {
            identity.AddClaim(new Claim(CallerClaims.Scope, scope));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
