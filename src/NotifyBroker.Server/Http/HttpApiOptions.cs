namespace NotifyBroker.Server.Http;

/// <summary>
/// The HTTP/1.1 endpoint ("HttpApi" section) that serves the JSON API, gRPC-Web, the OpenAPI document and the console
/// beside the h2c gRPC endpoint. It speaks HTTP/1.1 and HTTP/2 (Protocols Http1AndHttp2: over plaintext, HTTP/1.1;
/// over TLS, either by ALPN).
/// </summary>
/// <remarks>
/// Where it listens: <see cref="Url"/> when set. When it is not set, <see cref="DefaultUrl"/>, but only while the
/// broker listens on its own default (no --urls, HTTP_PORTS or Kestrel:Endpoints): whoever picks the gRPC addresses
/// picks this one too (e.g. "--urls http://127.0.0.1:0 --HttpApi:Url=http://127.0.0.1:0"), or serves everything on
/// their own Kestrel endpoint with Protocols Http1AndHttp2 (with TLS, one https endpoint serves gRPC and HTTP/1.1 by
/// ALPN). The endpoint is added as the Kestrel endpoint named <see cref="EndpointName"/>; "--urls"/HTTP(S)_PORTS
/// addresses become endpoints "Grpc", "Grpc1", ... then, as Kestrel binds only configured endpoints once there are
/// any. So NetworkExposure sees it like any other endpoint.
/// </remarks>
public sealed class HttpApiOptions
{
    public const string SectionName = "HttpApi";

    /// <summary>Where the HTTP endpoint listens by default.</summary>
    public const string DefaultUrl = "http://localhost:50052";

    /// <summary>The Kestrel endpoint name of the HTTP endpoint.</summary>
    public const string EndpointName = "HttpApi";

    /// <summary>False: no HTTP endpoint is added (the JSON API and gRPC-Web still answer on any endpoint that speaks HTTP/1.1).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The HTTP endpoint's address, e.g. "http://127.0.0.1:0" or "https://0.0.0.0:8443".</summary>
    public string? Url { get; set; }
}
