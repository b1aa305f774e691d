using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Core;

namespace NotifyBroker.Server.Hosting;

using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// Starts the broker (its listener window) with the host and stops it first thing on shutdown: health goes
/// NOT_SERVING and every subscription ends with UNAVAILABLE and its resume position, before Kestrel starts draining
/// requests (so open streams don't hold shutdown up). Logs the readiness line once Kestrel listens.
/// </summary>
internal sealed class BrokerLifecycle : IHostedLifecycleService
{
    private readonly Broker _broker;
    private readonly HealthServiceImpl _health;
    private readonly EndpointDataSource _endpoints;
    private readonly IServer _server;
    private readonly IOptions<DesktopOptions> _desktop;
    private readonly ILogger<BrokerLifecycle> _logger;

    public BrokerLifecycle(
        Broker broker,
        HealthServiceImpl health,
        EndpointDataSource endpoints,
        IServer server,
        IOptions<DesktopOptions> desktop,
        ILogger<BrokerLifecycle> logger)
    {
        _broker = broker;
        _health = health;
        _endpoints = endpoints;
        _server = server;
        _desktop = desktop;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => _broker.StartAsync(cancellationToken).AsTask();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // Every mapped service, and the server as a whole (""), serves from now until shutdown begins.
        SetHealth(ServingStatus.Serving);

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        ServerLog.Ready(_logger, string.Join(", ", addresses), _broker.Name, _desktop.Value.Resolve().ToString(), _broker.Epoch);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ServerLog.Stopping(_logger);
        SetHealth(ServingStatus.NotServing);
        await _broker.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The server as a whole ("") and every gRPC service it maps get <paramref name="status"/> (Watch streams hear it at once).</summary>
    private void SetHealth(ServingStatus status)
    {
        _health.SetStatus(string.Empty, status);
        foreach (var service in GrpcServiceNames())
        {
            _health.SetStatus(service, status);
        }
    }

    private IEnumerable<string> GrpcServiceNames() => _endpoints.Endpoints
        .Select(static endpoint => endpoint.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName)
        .OfType<string>()
        .Distinct(StringComparer.Ordinal);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
