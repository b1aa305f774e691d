using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Services.Health;
using NotifyBroker.Grpc.Services.Reflection;

namespace NotifyBroker.Interop.TestHost;

using ServingStatus = NotifyBroker.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// The interop server: TestService, CallInspector, health and reflection (v1 and v1alpha) on our gRPC layer, on
/// 127.0.0.1 with HTTP/2 only (h2c with prior knowledge). Used by the console app and, in-process, by the C# interop
/// tests.
/// </summary>
public sealed class InteropHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InteropHost(WebApplication app, int port, CallTracker calls, HealthStatusRegistry health)
    {
        _app = app;
        Port = port;
        Calls = calls;
        Health = health;
    }

    /// <summary>The port the host listens on (the free port picked when started with 0).</summary>
    public int Port { get; }

    /// <summary>The address to call, e.g. "http://127.0.0.1:40123".</summary>
    public string Address => "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>What happened to the TestService handlers (what CallInspector reports).</summary>
    public CallTracker Calls { get; }

    public HealthStatusRegistry Health { get; }

    /// <summary>Stops when the host shuts down (on <see cref="StopAsync"/>, or a signal for a console-app host).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>
    /// Starts a host on 127.0.0.1:<paramref name="port"/> (0 = a free port). With <paramref name="handleSignals"/>,
    /// Ctrl+C and SIGTERM stop it (for the console app; an in-process host leaves the test process's signals alone).
    /// </summary>
    public static async Task<InteropHost> StartAsync(
        int port = 0, bool handleSignals = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        var builder = WebApplication.CreateSlimBuilder();

        // stdout carries exactly one line (the console app's "listening on …"), so logs go to stderr, warnings only.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        if (!handleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        }

        builder.Services.AddGrpcServer();

        var app = builder.Build();
        var calls = new CallTracker();
        var health = new HealthStatusRegistry();
        var registry = app.Services.GetRequiredService<GrpcServiceRegistry>();

        app.MapGrpcService(TestServiceImplementation.CreateDefinition(calls));
        app.MapGrpcService(CallInspectorService.CreateDefinition(calls));
        app.MapGrpcService(HealthService.CreateDefinition(health));
        foreach (var reflection in ReflectionService.CreateDefinitions(registry))
        {
            app.MapGrpcService(reflection);
        }

        // Every mapped service, and the server as a whole (""), is SERVING until shutdown begins.
        health.SetStatus(HealthStatusRegistry.Server, ServingStatus.Serving);
        foreach (var service in registry.Services)
        {
            health.SetStatus(service.Service.FullName, ServingStatus.Serving);
        }

        app.Lifetime.ApplicationStopping.Register(health.SetAllNotServing);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new InteropHost(app, ListeningPort(app), calls, health);
    }

    /// <summary>Completes when the host has shut down.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static int ListeningPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("The server does not report its addresses.");
        var address = addresses.Addresses.Single();
        return new Uri(address).Port;
    }
}
