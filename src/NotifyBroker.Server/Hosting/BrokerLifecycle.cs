using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;

namespace NotifyBroker.Server.Hosting;

using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// Starts the broker (its listener window) with the host and stops it first thing on shutdown: health goes
/// NOT_SERVING and every subscription ends with UNAVAILABLE and its resume position, before Kestrel starts draining
/// requests (so open streams don't hold shutdown up). Logs the readiness line once Kestrel listens.
/// If the desktop loses its listener while the host runs (<see cref="IDesktop.ListenerLost"/>), health goes
/// NOT_SERVING for good and the loss is logged as an error: the broker hears nothing from the desktop any more (and the
/// desktop answers every Broadcast UNAVAILABLE), so a supervisor watching health should restart it. The host itself
/// keeps running: Send and aliases still work, and open streams keep their positions for a resume elsewhere.
/// An engine with a shared store (<see cref="IEngineAvailability"/>, e.g. Redis) turns health NOT_SERVING while the
/// store is unreachable and SERVING again when it is back, without a restart.
/// </summary>
internal sealed partial class BrokerLifecycle : IHostedLifecycleService
{
    private readonly Broker _broker;
    private readonly IDesktop _desktopPort;
    private readonly Lock _healthGate = new();
    private ListenerLostEventArgs? _listenerLost;
    private bool _subscribed;
    private readonly HealthServiceImpl _health;
    private readonly EndpointDataSource _endpoints;
    private readonly IServer _server;
    private readonly IOptions<DesktopOptions> _desktop;
    private readonly ILogger<BrokerLifecycle> _logger;
    private readonly IEngineAvailability? _engine;
    private bool _serving;

    public BrokerLifecycle(
        Broker broker,
        IDesktop desktopPort,
        HealthServiceImpl health,
        EndpointDataSource endpoints,
        IServer server,
        IOptions<DesktopOptions> desktop,
        ILogger<BrokerLifecycle> logger,
        IBrokerEngine? engine = null)
    {
        _engine = engine as IEngineAvailability;
        _broker = broker;
        _desktopPort = desktopPort;
        _health = health;
        _endpoints = endpoints;
        _server = server;
        _desktop = desktop;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Before the listener starts, so that no loss goes unheard.
        _desktopPort.ListenerLost += OnListenerLost;
        if (_engine is not null)
        {
            _engine.AvailabilityChanged += OnEngineAvailabilityChanged;
        }

        _subscribed = true;
        return _broker.StartAsync(cancellationToken).AsTask();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // Every mapped service, and the server as a whole (""), serves from now until shutdown begins, unless the
        // listener is lost (before now, or at any moment later).
        lock (_healthGate)
        {
            if (_listenerLost is null && !_desktopPort.IsListening)
            {
                _listenerLost = new ListenerLostEventArgs("it was not running when the host started");
                ListenerLostLog(_logger, _listenerLost.Reason, null);
            }

            _serving = true;
            SetHealth(Current());
        }

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        ServerLog.Ready(_logger, string.Join(", ", addresses), _broker.Name, _desktop.Value.Resolve().ToString(), _broker.Epoch);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ServerLog.Stopping(_logger);
        lock (_healthGate)
        {
            _serving = false;
            SetHealth(ServingStatus.NotServing);
        }

        await _broker.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Raised by the desktop, on its own thread: turn health NOT_SERVING at once and for good.</summary>
    private void OnListenerLost(object? sender, ListenerLostEventArgs lost)
    {
        lock (_healthGate)
        {
            if (_listenerLost is not null)
            {
                return;
            }

            _listenerLost = lost;
            SetHealth(ServingStatus.NotServing);
        }

        ListenerLostLog(_logger, lost.Reason, lost.Error);
    }

    /// <summary>Raised by the engine, on its own thread: follow it while the host serves.</summary>
    private void OnEngineAvailabilityChanged(object? sender, EventArgs e)
    {
        ServingStatus status;
        lock (_healthGate)
        {
            if (!_serving)
            {
                return;
            }

            status = Current();
            SetHealth(status);
        }

        EngineAvailabilityLog(_logger, status == ServingStatus.Serving ? "reachable again" : "unreachable", status);
    }

    /// <summary>SERVING unless the listener is lost or the engine's store is unreachable. Under the health gate.</summary>
    private ServingStatus Current() =>
        _listenerLost is null && _engine?.IsAvailable != false ? ServingStatus.Serving : ServingStatus.NotServing;

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "The engine's shared store is {State}: health is {Status}")]
    private static partial void EngineAvailabilityLog(ILogger logger, string state, ServingStatus status);

    [LoggerMessage(EventId = 40, Level = LogLevel.Error,
        Message = "The desktop's listener is lost ({Reason}): health is NOT_SERVING and Broadcast answers UNAVAILABLE until the broker is restarted")]
    private static partial void ListenerLostLog(ILogger logger, string reason, Exception? error);

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

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_subscribed)
        {
            _desktopPort.ListenerLost -= OnListenerLost;
            if (_engine is not null)
            {
                _engine.AvailabilityChanged -= OnEngineAvailabilityChanged;
            }

            _subscribed = false;
        }

        return Task.CompletedTask;
    }
}
