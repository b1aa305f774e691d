using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NotifyBroker.Client;
using NotifyBroker.Client.Observability;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop.InMemory;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>
/// The shared in-process broker host (<see cref="InProcessBrokerHost"/>), configured the way an operator would
/// (OTEL_* keys, here on the command line) to export to <see cref="OtlpReceiver"/>, plus a client whose channel
/// traces its calls (client spans, traceparent in the metadata).
/// </summary>
internal sealed class TracedBroker : IAsyncDisposable
{
    public const string ServiceName = "notifybroker-under-test";

    private readonly InProcessBrokerHost _host;

    private TracedBroker(InProcessBrokerHost host)
    {
        _host = host;
        Channel = InProcessBrokerHost.CreateChannel(host.Address);
        Client = new NotifierClient(Channel);
        Grpc = new Notifier.NotifierClient(Channel.Intercept(new RpcClientTelemetryInterceptor(host.Address)));
    }

    public string Address => _host.Address;

    public GrpcChannel Channel { get; }

    public NotifierClient Client { get; }

    /// <summary>The generated client, traced the way the SDK traces its calls.</summary>
    public Notifier.NotifierClient Grpc { get; }

    public IServiceProvider Services => _host.Services;

    public InMemoryDesktop Desktop => _host.Desktop;

    /// <summary>Exports what has been recorded (a no-op once the host stopped and the providers were shut down).</summary>
    public void Flush()
    {
        Services.GetService<TracerProvider>()?.ForceFlush();
        Services.GetService<MeterProvider>()?.ForceFlush();
    }

    /// <param name="receiver">Where to export; null leaves export off.</param>
    /// <param name="settings">More configuration as "Key=value", e.g. "OTEL_RESOURCE_ATTRIBUTES=a=b".</param>
    public static Task<TracedBroker> StartAsync(OtlpReceiver? receiver, params string[] settings) =>
        StartAsync(receiver, configure: null, settings);

    /// <param name="configure">Changes to the host's builder (e.g. a log capture) before it is built.</param>
    public static async Task<TracedBroker> StartAsync(OtlpReceiver? receiver, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        List<string> configuration = [];
        if (receiver is not null)
        {
            configuration.AddRange(
            [
                $"OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Endpoint}",
                $"OTEL_EXPORTER_OTLP_PROTOCOL={receiver.ProtocolName}",
                $"OTEL_SERVICE_NAME={ServiceName}",
                // Short batch and export intervals; the tests still flush explicitly and never time anything.
                "OTEL_BSP_SCHEDULE_DELAY=100",
                "OTEL_METRIC_EXPORT_INTERVAL=250",
            ]);
        }

        configuration.AddRange(settings);
        var host = await InProcessBrokerHost.StartOnAsync(InProcessBrokerHost.FreePortUrl, configure, [.. configuration]);
        return new TracedBroker(host);
    }

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        await _host.DisposeAsync();
    }
}
