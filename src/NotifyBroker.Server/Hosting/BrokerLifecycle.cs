using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Core;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Services.Health;

namespace NotifyBroker.Server.Hosting;

using ServingStatus = NotifyBroker.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// Starts the broker (its listener window) with the host and stops it first thing on shutdown: health goes
/// NOT_SERVING and every subscription ends with UNAVAILABLE and its resume position, before Kestrel starts draining
/// requests (so open streams don't hold shutdown up). Logs the readiness line once Kestrel listens.
/// </summary>
internal sealed class BrokerLifecycle : IHostedLifecycleService
{
    private readonly Broker _broker;
    private readonly HealthStatusRegistry _health;
    private readonly GrpcServiceRegistry _services;
    private readonly IServer _server;
    private readonly IOptions<DesktopOptions> _desktop;
    private readonly ILogger<BrokerLifecycle> _logger;

    public BrokerLifecycle(
        Broker broker,
        HealthStatusRegistry health,
        GrpcServiceRegistry services,
        IServer server,
        IOptions<DesktopOptions> desktop,
        ILogger<BrokerLifecycle> logger)
    {
        _broker = broker;
        _health = health;
        _services = services;
        _server = server;
        _desktop = desktop;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => _broker.StartAsync(cancellationToken).AsTask();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // Every mapped service, and the server as a whole (""), serves from now until shutdown begins.
        _health.SetStatus(HealthStatusRegistry.Server, ServingStatus.Serving);
        foreach (var service in _services.Services)
        {
            _health.SetStatus(service.Service.FullName, ServingStatus.Serving);
        }

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        ServerLog.Ready(_logger, string.Join(", ", addresses), _broker.Name, _desktop.Value.Resolve().ToString(), _broker.Epoch);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ServerLog.Stopping(_logger);
        _health.SetAllNotServing();
        await _broker.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
