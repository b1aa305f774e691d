using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using NotifyBroker.Contracts.Observability;
using NotifyBroker.Core.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NotifyBroker.Server.Observability;

/// <summary>Plugs observability into the broker's host.</summary>
public static class TelemetryHostingExtensions
{
    /// <summary>The configuration key that chooses the console log format: "simple" (the default), "json" or "systemd".</summary>
    public const string ConsoleFormatterNameKey = "Logging:Console:FormatterName";

    /// <summary>The sources whose spans are exported.</summary>
    public static readonly IReadOnlyList<string> ActivitySources = [RpcTelemetry.Name, BrokerTelemetry.Name, ServerTelemetry.Name];

    /// <summary>The meters that are exported (ours, Kestrel's connections and the .NET runtime's).</summary>
    public static readonly IReadOnlyList<string> Meters =
        [RpcTelemetry.Name, BrokerTelemetry.Name, ServerTelemetry.Name, "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    /// <summary>
    /// Log lines carry the trace and span id of the activity they were written under (console scopes, simple or
    /// JSON formatter). When an OTLP endpoint is configured (<see cref="TelemetryExportSettings"/>), also registers
    /// OpenTelemetry (OpenTelemetry.Extensions.Hosting: the providers live and are flushed with the host) exporting
    /// the broker's spans and metrics over OTLP, and returns true: the caller then adds
    /// <see cref="RpcServerTelemetryInterceptor"/>. Otherwise nothing else is registered: no providers, no listeners.
    /// </summary>
    public static bool AddNotifyBrokerTelemetry(this WebApplicationBuilder builder)
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
            return false;
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<RpcServerTelemetryInterceptor>();
        services.AddHostedService<TelemetryExportAnnouncement>();

        // The SDK reads the OTEL_* keys (protocol, headers, sampler, intervals, service name) from the host's
        // configuration: environment variables as usual, and the same keys from the command line or appsettings.
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => DefaultResource(resource, builder.Configuration));
        if (settings.ExportsTraces)
        {
            telemetry.WithTracing(static tracing =>
            {
                foreach (var source in ActivitySources)
                {
                    tracing.AddSource(source);
                }

                tracing.AddOtlpExporter();
            });
        }

        if (settings.ExportsMetrics)
        {
            telemetry.WithMetrics(static metrics =>
            {
                foreach (var meter in Meters)
                {
                    metrics.AddMeter(meter);
                }

                metrics.AddOtlpExporter();
            });
        }

        return true;
    }

    /// <summary>OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES are applied by the SDK; only fill in what they leave out.</summary>
    private static void DefaultResource(ResourceBuilder resource, IConfiguration configuration)
    {
        if (!TelemetryExportSettings.NamesService(configuration))
        {
            var version = typeof(TelemetryHostingExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            resource.AddService(TelemetryExportSettings.DefaultServiceName, serviceVersion: version);
        }
    }

    /// <summary>
    /// Builds the providers first thing at start-up, before the broker's listener starts (registered ahead of it),
    /// so its first spans are kept, and says once where telemetry goes.
    /// </summary>
    private sealed class TelemetryExportAnnouncement(IServiceProvider services, TelemetryExportSettings settings, ILogger<TelemetryExportAnnouncement> logger)
        : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken)
        {
            _ = services.GetService<TracerProvider>();
            _ = services.GetService<MeterProvider>();
            ServerTelemetryLog.ExportStarted(logger, settings.Endpoint ?? settings.TracesEndpoint ?? settings.MetricsEndpoint, settings.Protocol, settings.ExportsTraces, settings.ExportsMetrics);
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
