using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Client;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Observability;
using NotifyBroker.Server.Hosting;
using NotifyBroker.Server.Observability;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>
/// The real broker host (BrokerHost, as Program builds it) on 127.0.0.1:0 with the in-memory desktop, configured the
/// way an operator would (OTEL_* keys, here on the command line) to export to <see cref="OtlpReceiver"/>, plus a
/// client whose channel traces its calls (client spans, traceparent in the metadata).
/// </summary>
internal sealed class TracedBroker : IAsyncDisposable
{
    public const string ServiceName = "notifybroker-under-test";

    private readonly WebApplication _app;
    private bool _stopped;

    private TracedBroker(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { CallObserver = GrpcClientTelemetry.Instance });
        Client = new NotifierClient(Channel);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public NotifierClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public InMemoryDesktop Desktop => (InMemoryDesktop)Services.GetRequiredService<IDesktop>();

    /// <summary>Exports what has been recorded (a no-op once the host stopped and the providers were shut down).</summary>
    public void Flush() => Services.GetService<TelemetryProviders>()?.ForceFlush();

    /// <param name="receiver">Where to export; null leaves export off.</param>
    /// <param name="settings">More configuration as "Key=value", e.g. "OTEL_RESOURCE_ATTRIBUTES=a=b".</param>
    public static Task<TracedBroker> StartAsync(OtlpReceiver? receiver, params string[] settings) =>
        StartAsync(receiver, configure: null, settings);

    /// <param name="configure">Changes to the host's builder (e.g. a log capture) before it is built.</param>
    public static async Task<TracedBroker> StartAsync(OtlpReceiver? receiver, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        List<string> configuration = ["Desktop:Kind=InMemory"];
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
        string[] args = ["--urls", "http://127.0.0.1:0", .. configuration.Select(static s => "--" + s)];
        var builder = BrokerHost.CreateBuilder(args);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure?.Invoke(builder);
        var app = BrokerHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TracedBroker(app, address);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var timeout = new CancellationTokenSource(TestPatience.Timeout);
            await _app.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A host lifetime that leaves the test process's Ctrl+C / SIGTERM alone.</summary>
    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
