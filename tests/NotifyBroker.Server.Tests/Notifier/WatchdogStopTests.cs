using Grpc.Core;
using NotifyBroker.Client;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The broker's stop reaches every stream at once, even when it is signalled while a sweep is running: the sweep the
/// stop starts cannot overlap the running one, so the running one sweeps again, and a parked stream is woken to end
/// with BROKER_STOPPING then, not at the next tick. The clock (and so the next tick) moves only when the test says.
/// </summary>
public sealed class WatchdogStopTests
{
    [Fact]
    public async Task A_stop_signalled_during_a_sweep_still_wakes_the_parked_streams_before_the_next_tick()
    {
        await using var broker = await WatchdogBroker.StartAsync();
        using var stopping = new CancellationTokenSource();
        var watchdog = broker.Watchdog(stopping.Token);
        await using var parked = broker.Park(watchdog, stopping.Token);
        await using var stalled = broker.Stall(watchdog, stopping: stopping.Token);

        // The sweep resets the stalled stream (the drain rule); right then, on the sweep's own thread, the broker stops.
        stalled.Logger.OnLog = id =>
        {
            if (id == 14)
            {
                stopping.Cancel();
            }
        };

        broker.Clock.Advance(TimeSpan.FromSeconds(2));
        broker.Clock.Fire();
        Assert.True(stopping.IsCancellationRequested);

        // No further tick: the parked stream ends with BROKER_STOPPING all the same (the wait only guards a hang).
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => parked.Run.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal("BROKER_STOPPING", failure.ErrorInfo!.Reason);
    }
}
