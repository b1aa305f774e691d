using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Core.Observability;
using NotifyBroker.Grpc.Observability;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NotifyBroker.Server.Observability;

/// <summary>
/// The OpenTelemetry tracer and meter providers, exporting over OTLP, tied to the host's life: built when the host
/// resolves its hosted services (before the broker's listener starts, so its first spans are kept), flushed and
/// shut down after everything else has stopped (so the spans of streams ended by shutdown are exported too), and
/// disposed with the container if the host never ran. The host's configuration is handed to the SDK, which reads
/// the OTEL_* keys from it: environment variables as usual, and the same keys from the command line or appsettings.
/// </summary>
public sealed class TelemetryProviders : IHostedLifecycleService, IDisposable
{
    /// <summary>The sources whose spans are exported.</summary>
    public static readonly IReadOnlyList<string> ActivitySources = [GrpcTelemetry.Name, BrokerTelemetry.Name, ServerTelemetry.Name];

    /// <summary>The meters that are exported (ours, Kestrel's connections and the .NET runtime's).</summary>
    public static readonly IReadOnlyList<string> Meters =
        [GrpcTelemetry.Name, BrokerTelemetry.Name, ServerTelemetry.Name, "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    private readonly TracerProvider? _tracer;
    private readonly MeterProvider? _meter;
    private readonly ILogger<TelemetryProviders> _logger;
    private readonly TelemetryExportSettings _settings;
    private int _disposed;

    public TelemetryProviders(IConfiguration configuration, TelemetryExportSettings settings, ILogger<TelemetryProviders> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _logger = logger;
        var namesService = TelemetryExportSettings.NamesService(configuration);
        var version = typeof(TelemetryProviders).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        void Resource(ResourceBuilder resource)
        {
            // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES are applied by the SDK; only fill in what they leave out.
            if (!namesService)
            {
                resource.AddService(TelemetryExportSettings.DefaultServiceName, serviceVersion: version);
            }
        }

        void UseHostConfiguration(IServiceCollection services) => services.AddSingleton(configuration);

        if (settings.ExportsTraces)
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureServices(UseHostConfiguration)
                .ConfigureResource(Resource);
            foreach (var source in ActivitySources)
            {
                tracing.AddSource(source);
            }

            _tracer = tracing.AddOtlpExporter().Build();
        }

        if (settings.ExportsMetrics)
        {
            var metering = Sdk.CreateMeterProviderBuilder()
                .ConfigureServices(UseHostConfiguration)
                .ConfigureResource(Resource);
            foreach (var meter in Meters)
            {
                metering.AddMeter(meter);
            }

            _meter = metering.AddOtlpExporter().Build();
        }
    }

    /// <summary>Exports everything recorded so far; true when every export finished in time.</summary>
    public bool ForceFlush(int timeoutMilliseconds = 10_000)
    {
        var traced = _tracer?.ForceFlush(timeoutMilliseconds) ?? true;
        var metered = _meter?.ForceFlush(timeoutMilliseconds) ?? true;
        return traced && metered;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        ServerTelemetryLog.ExportStarted(_logger, _settings.Endpoint ?? _settings.TracesEndpoint ?? _settings.MetricsEndpoint, _settings.Protocol, _settings.ExportsTraces, _settings.ExportsMetrics);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Flushes and shuts both providers down (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Shutdown exports what is still batched before the exporters close.
        _tracer?.Dispose();
        _meter?.Dispose();
    }
}
