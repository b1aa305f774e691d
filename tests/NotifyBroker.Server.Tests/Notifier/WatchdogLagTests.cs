using Grpc.Core;
using NotifyBroker.Client;
using NotifyBroker.Server.Notifier;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The watchdog's overflow check on a stalled write counts what the engine counts (issue 10, finding 2): only events
/// the stream would receive. A filtered stream stalled on a flush is not reset after the grace period for traffic its
/// filter rejects, and one that falls behind by more than its capacity on its own events is, with its resume position.
/// The clock moves only when the test says.
/// </summary>
public sealed class WatchdogLagTests
{
    private const int Capacity = 4;

    [Fact]
    public async Task A_stalled_filtered_stream_is_not_reset_for_traffic_its_filter_rejects_but_is_once_its_own_events_pass_its_capacity()
    {
        // The drain rule far off: only the overflow rule (a stall of StalledStreamGrace once overflowed) can end it.
        await using var broker = await WatchdogBroker.StartAsync(drainTimeout: TimeSpan.FromHours(1), capacity: Capacity);
        var watchdog = broker.Watchdog(CancellationToken.None);
        await using var pump = broker.Stall(watchdog);

        // A hundred times its capacity of others' traffic while its flush waits, checked over more than the grace period.
        await broker.PublishOthersAsync(100 * Capacity);
        broker.Clock.Advance(SubscriptionPump.StallCheckInterval);
        broker.Clock.Fire();
        broker.Clock.Advance(SubscriptionPump.StalledStreamGrace + TimeSpan.FromSeconds(1));
        broker.Clock.Fire();
        Assert.Equal(0, pump.Lifetime.Aborts);
        Assert.False(pump.Run.IsCompleted);

        // One more of its own than its capacity: overflowed, and reset once the grace period has passed.
        await broker.PublishOwnAsync(Capacity + 1);
        broker.Clock.Fire();
        Assert.Equal(0, pump.Lifetime.Aborts);
        broker.Clock.Advance(SubscriptionPump.StalledStreamGrace);
        broker.Clock.Fire();

        Assert.Equal(1, pump.Lifetime.Aborts);
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => pump.Run.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.True(failure.IsSlowConsumer);
        Assert.False(failure.ErrorInfo!.Metadata.ContainsKey("cause")); // the overflow rule, not the drain rule
        Assert.Equal(3ul, failure.ResumeAfter!.Offset);
    }
}
