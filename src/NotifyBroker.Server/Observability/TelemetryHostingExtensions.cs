using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using NotifyBroker.Grpc.Observability;

namespace NotifyBroker.Server.Observability;

/// <summary>Plugs observability into the broker's host.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The configuration key that chooses the console log format: "simple" (the default), "json" or "systemd".</summary>
    public const string ConsoleFormatterNameKey = "Logging:Console:FormatterName";

    /// <summary>
    /// Log lines carry the trace and span id of the activity they were written under (console scopes, simple or
    /// JSON formatter). When an OTLP endpoint is configured (<see cref="TelemetryExportSettings"/>), also registers
    /// the RPC server spans and metrics and the OpenTelemetry providers that export them with the broker's own.
    /// Otherwise nothing else is registered: no providers, no listeners, and the gRPC server keeps its fast path.
    /// </summary>
    public static WebApplicationBuilder AddNotifyBrokerTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.Configure(static options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(static options => options.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(static options => options.IncludeScopes = true);

        // "Logging:Console:FormatterName" (e.g. Logging__Console__FormatterName=json for one JSON object per line)
        // must win over the formatter the host picks in code, which would otherwise override the configuration.
        var formatter = builder.Configuration[ConsoleFormatterNameKey];
        if (!string.IsNullOrWhiteSpace(formatter))
        {
            builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = formatter.Trim());
        }

        var settings = TelemetryExportSettings.FromConfiguration(builder.Configuration);
        if (settings is null)
        {
            return builder;
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<TelemetryProviders>();
        services.AddHostedService(static provider => provider.GetRequiredService<TelemetryProviders>());
        services.AddGrpcServerTelemetry();
        return builder;
    }
}
