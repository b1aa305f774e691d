using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NotifyBroker.Server.Http;

/// <summary>
/// Adds the HTTP/1.1 endpoint (<see cref="HttpApiOptions"/>) to Kestrel's configuration, and knows the address it was
/// bound to once the server started.
/// </summary>
public sealed class HttpApiEndpoint
{
    private ListenOptions? _listen;

    internal HttpApiEndpoint(string? configuredUrl) => ConfiguredUrl = configuredUrl;

    /// <summary>The configured address of the HTTP endpoint, or null when there is none.</summary>
    public string? ConfiguredUrl { get; }

    /// <summary>
    /// The address the HTTP endpoint listens on, e.g. "http://127.0.0.1:40123" (port 0 replaced by the bound port),
    /// or null when there is none or the server has not started.
    /// </summary>
    public string? BoundUrl
    {
        get
        {
            if (ConfiguredUrl is null || _listen is null)
            {
                return null;
            }

            var configured = BindingAddress.Parse(ConfiguredUrl);
            var port = configured.Port;
            if (port == 0)
            {
                // Kestrel replaces a listen option's endpoint with the one it bound (the port the OS picked).
                port = _listen.IPEndPoint?.Port ?? 0;
                if (port == 0)
                {
                    return null;
                }
            }

            return string.Create(CultureInfo.InvariantCulture, $"{configured.Scheme}://{configured.Host}:{port}");
        }
    }

    /// <summary>
    /// Adds the endpoint to <paramref name="configuration"/> (see <see cref="HttpApiOptions"/>) and returns it.
    /// <paramref name="defaultAddresses"/>: the broker listens on its own default gRPC address.
    /// </summary>
    internal static HttpApiEndpoint Configure(IConfigurationManager configuration, bool defaultAddresses, string defaultGrpcUrl)
    {
        var options = new HttpApiOptions();
        configuration.GetSection(HttpApiOptions.SectionName).Bind(options);
        var url = !options.Enabled ? null : options.Url is { Length: > 0 } set ? set.Trim() : defaultAddresses ? HttpApiOptions.DefaultUrl : null;
        if (url is null)
        {
            return new HttpApiEndpoint(null);
        }

        var added = new Dictionary<string, string?>();
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (endpoints.Count == 0)
        {
            // Kestrel binds either the hosting addresses ("urls", HTTP(S)_PORTS) or its configured endpoints, never
            // both: the hosting addresses become endpoints of their own (sorted before "HttpApi", so the gRPC address
            // stays first in the readiness line), and the hosting settings are emptied.
            var grpc = HostingUrls(configuration, defaultAddresses ? defaultGrpcUrl : null);
            for (var i = 0; i < grpc.Count; i++)
            {
                added[$"Kestrel:Endpoints:Grpc{(i == 0 ? "" : i.ToString(CultureInfo.InvariantCulture))}:Url"] = grpc[i];
            }

            added[WebHostDefaults.ServerUrlsKey] = "";
            added[WebHostDefaults.HttpPortsKey] = "";
            added[WebHostDefaults.HttpsPortsKey] = "";
        }

        added[$"Kestrel:Endpoints:{HttpApiOptions.EndpointName}:Url"] = url;
        added[$"Kestrel:Endpoints:{HttpApiOptions.EndpointName}:Protocols"] = ProtocolsOf(url).ToString();
        configuration.AddInMemoryCollection(added);
        return new HttpApiEndpoint(url);
    }

    /// <summary>Keeps the endpoint's listen options, whose endpoint Kestrel updates when it binds.</summary>
    internal void Attach(KestrelServerOptions kestrel)
    {
        if (ConfiguredUrl is null || kestrel.ConfigurationLoader is not { } loader)
        {
            return;
        }

        loader.Endpoint(HttpApiOptions.EndpointName, endpoint =>
        {
            endpoint.ListenOptions.Protocols = ProtocolsOf(ConfiguredUrl);
            _listen = endpoint.ListenOptions;
        });
    }

    // Over TLS, HTTP/1.1 and HTTP/2 by ALPN; over plaintext HTTP/1.1 (Kestrel serves no h2c beside HTTP/1.1 on one
    // port, and says so in a warning when asked to).
    private static HttpProtocols ProtocolsOf(string url) =>
        url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;

    private static List<string> HostingUrls(IConfiguration configuration, string? fallback)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var http = (configuration[WebHostDefaults.HttpPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(static port => $"http://*:{port}");
        var https = (configuration[WebHostDefaults.HttpsPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(static port => $"https://*:{port}");
        var all = http.Concat(https).ToList();
        if (all.Count == 0 && fallback is not null)
        {
            all.Add(fallback);
        }

        return all;
    }
}
