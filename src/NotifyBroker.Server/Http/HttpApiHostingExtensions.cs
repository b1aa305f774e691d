namespace NotifyBroker.Server.Http;

/// <summary>The HTTP/JSON API (JSON transcoding), its OpenAPI document, gRPC-Web and the HTTP/1.1 endpoint.</summary>
internal static class HttpApiHostingExtensions
{
    public static WebApplicationBuilder AddNotifyHttpApi(this WebApplicationBuilder builder) => builder;

    /// <summary>Middleware that must run before authentication (e.g. gRPC-Web's translation).</summary>
    public static WebApplication UseNotifyHttpApi(this WebApplication app) => app;

    public static WebApplication MapNotifyHttpApi(this WebApplication app) => app;
}
