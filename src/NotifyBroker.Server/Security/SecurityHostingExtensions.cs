using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using NotifyBroker.Server.Security.RateLimiting;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Identity on every call, the ASP.NET Core way: a "Bearer" scheme that hands broker keys to
/// <see cref="ApiKeyAuthentication"/> and compact JWTs to JwtBearer (when an issuer's keys are configured), one
/// authorization policy per scope, gRPC statuses for refusals, per-identity rate limits, and the first-start admin key.
/// </summary>
internal static class SecurityHostingExtensions
{
    public static void AddNotifySecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName);
        var jwt = builder.Configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>()?.Jwt ?? new SecurityOptions.JwtOptions();

        // Data protection comes with authentication; its key ring stays in memory (see InMemoryKeyRing).
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(static keys =>
        {
            keys.XmlRepository = new InMemoryKeyRing();
            keys.XmlEncryptor = new NullXmlEncryptor();
        });

        services.AddSingleton<ApiKeyStore>();
        var authentication = services.AddAuthentication(BearerToken.SelectorScheme)
            .AddPolicyScheme(BearerToken.SelectorScheme, "API key or JWT", policy =>
            {
                policy.ForwardDefaultSelector = context =>
                    jwt.IsConfigured && BearerToken.From(context.Request) is { } token && BearerToken.LooksLikeJwt(token)
                        ? JwtBearerDefaults.AuthenticationScheme
                        : ApiKeyAuthentication.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        if (jwt.IsConfigured)
        {
            authentication.AddJwtBearer(options => ConfigureJwt(options, jwt));
        }

        services.AddAuthorization(ScopePolicies.Add);
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        services.AddNotifyRateLimits();
        services.AddHostedService<LocalAdminBootstrap>();
    }

    private static void ConfigureJwt(JwtBearerOptions options, SecurityOptions.JwtOptions jwt)
    {
        // Claims as the token has them ("sub", "scope", "scp"), not renamed to WS-Federation URIs.
        options.MapInboundClaims = false;
        var validation = options.TokenValidationParameters;
        validation.ValidateIssuer = jwt.Issuer.Length > 0;
        validation.ValidIssuer = jwt.Issuer;
        validation.ValidateAudience = jwt.Audience.Length > 0;
        validation.ValidAudience = jwt.Audience;
        validation.NameClaimType = CallerClaims.Subject;
        validation.ClockSkew = TimeSpan.FromSeconds(30);
        if (jwt.SigningKey.Length > 0)
        {
            var key = Convert.FromBase64String(jwt.SigningKey);
            if (key.Length < 32)
            {
                throw new InvalidOperationException("Security:Jwt:SigningKey must be at least 32 bytes (base64).");
            }

            validation.IssuerSigningKey = new SymmetricSecurityKey(key);
        }
        else if (jwt.JwksUrl.Length > 0)
        {
            var loopback = Uri.TryCreate(jwt.JwksUrl, UriKind.Absolute, out var url) && url.IsLoopback;
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                jwt.JwksUrl, new JwksConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = !loopback });
        }
        else
        {
            options.Authority = jwt.Authority;
        }
    }
}
