using NotifyBroker.Redis.Fleet;

namespace NotifyBroker.Server.Fleet;

/// <summary>
/// Joins the fleet when the host starts (listen for routed calls, then register and beat) and leaves it when it
/// stops. A name already held by a live broker fails the start with a message saying so.
/// </summary>
internal sealed class FleetRegistration : IHostedService
{
    private readonly FleetRouter _router;
    private readonly RedisCallTransport _transport;

    public FleetRegistration(FleetRouter router, RedisCallTransport transport)
    {
        _router = router;
        _transport = transport;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The name check looks for a listener on the request channel, so it runs before this broker listens there.
        await _router.Directory.StartAsync(_transport.RequestChannel, cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.StartAsync(_router.ServeAsync).ConfigureAwait(false);
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            // Redis away at start: the broker starts NOT_SERVING (the engine says so); StackExchange.Redis keeps the
            // subscription and makes it again when it reconnects.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _transport.DisposeAsync().ConfigureAwait(false);
        await _router.Directory.DisposeAsync().ConfigureAwait(false);
    }
}
