using Grpc.AspNetCore.Web;
using Microsoft.OpenApi.Models;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Http;

/// <summary>The HTTP/JSON API (JSON transcoding), its OpenAPI document, gRPC-Web and the HTTP/1.1 endpoint.</summary>
/// <remarks>
/// JSON transcoding serves the google.api.http routes of notify.v1.Notifier and notify.v1.Keys through the same
/// services, so identity, scopes, rate limits and errors are the gRPC ones. JSON is the proto3 JSON mapping as
/// Google APIs write it: lowerCamelCase field names (requests also accept the proto names), enums as names, 64-bit
/// integers as strings, compact (not indented), fields with default values left out.
/// </remarks>
internal static class HttpApiHostingExtensions
{
    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    public static WebApplicationBuilder AddNotifyHttpApi(this WebApplicationBuilder builder, bool defaultAddresses, string defaultGrpcUrl)
    {
        var endpoint = HttpApiEndpoint.Configure(builder.Configuration, defaultAddresses, defaultGrpcUrl);
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddOptions<HttpApiOptions>().BindConfiguration(HttpApiOptions.SectionName);
        builder.WebHost.ConfigureKestrel(endpoint.Attach);

        builder.Services.AddGrpc().AddJsonTranscoding(static transcoding =>
        {
            transcoding.JsonSettings.WriteIndented = false;
            transcoding.JsonSettings.IgnoreDefaultValues = true;

            // JSON transcoding writes a failure's grpc-status-details-bin as the Status JSON's details: it needs the
            // types the broker packs there (ErrorInfo, RetryInfo, a resume Position).
            transcoding.TypeRegistry = GrpcErrorResponse.DetailTypes;
        });
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(static swagger =>
            swagger.SwaggerDoc("v1", new OpenApiInfo { Title = "NotifyBroker", Version = "v1", Description = "notify.v1.Notifier and notify.v1.Keys over HTTP/JSON (JSON transcoding of the gRPC API)." }));
        return builder;
    }

    /// <summary>Middleware that must run before authentication: gRPC-Web's translation to gRPC.</summary>
    public static WebApplication UseNotifyHttpApi(this WebApplication app)
    {
        // Enabled per service in BrokerHost (Notifier, Keys, health), not for reflection.
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = false });
        return app;
    }

    public static WebApplication MapNotifyHttpApi(this WebApplication app)
    {
        // Anonymous: the document describes the public API surface (routes and message shapes, as the .proto files in
        // the repository do) and holds no key, name or message; every call it describes still needs its key and scope.
        app.MapSwagger("openapi/{documentName}.json").AllowAnonymous();
        var endpoint = app.Services.GetRequiredService<HttpApiEndpoint>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NotifyBroker.Server.Http");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (endpoint.BoundUrl is { } url)
            {
                HttpApiLog.Listening(logger, url);
            }
        });
        return app;
    }
}

internal static partial class HttpApiLog
{
    // A line of its own, after "NotifyBroker ready: listening on <gRPC address>, ...", for scripts that want the
    // HTTP address: "NotifyBroker HTTP: listening on http://127.0.0.1:40123".
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "NotifyBroker HTTP: listening on {Address} (JSON API, gRPC-Web, OpenAPI at " + HttpApiHostingExtensions.OpenApiPath + ")")]
    public static partial void Listening(ILogger logger, string address);
}
