using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace NotifyBroker.Server.Security;

/// <summary>
/// Reads a bare JSON Web Key Set (Security:Jwt:JwksUrl) as the signing keys of an OpenID configuration, so that JWT
/// bearer's own ConfigurationManager fetches, caches and refreshes it like a discovery document.
/// </summary>
internal sealed class JwksConfigurationRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var json = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var configuration = new OpenIdConnectConfiguration { JwksUri = address, JsonWebKeySet = new JsonWebKeySet(json) };
        foreach (var key in configuration.JsonWebKeySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}
