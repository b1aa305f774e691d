using Grpc.Core;
using NotifyBroker.Client;
using NotifyBroker.Server.Notifier;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The watchdog's race and its faults (issue 10, finding 1), on pumps over fake responses and a clock that moves only
/// when the test says. A reset decided for a stalled flush must reach that same call while it is still running, even
/// when the flush completes between the watchdog's check and its abort; and nothing a sweep runs into (an abort that
/// throws, a logger that throws) may leave the sweep, neither on the timer's thread, where it would end the process,
/// nor on the thread that signals the broker's stop, nor keep the sweep from the other streams.
/// </summary>
public sealed class WatchdogFaultTests
{
    [Fact]
    public async Task A_flush_that_completes_between_the_check_and_the_abort_still_leaves_the_call_running_for_the_abort()
    {
        await using var broker = await WatchdogBroker.StartAsync();
        var watchdog = broker.Watchdog(CancellationToken.None);
        await using var pump = broker.Stall(watchdog, releaseInline: true);

        // The sweep has checked that the same write is still stalled and decided to reset it; at its log line, just
        // before it aborts, the client takes the data, and the pump runs on inline, as on a transport thread.
        pump.Logger.OnLog = id =>
        {
            if (id == 14)
            {
                pump.Body.ReleaseFlush();
            }
        };

        broker.Clock.Advance(TimeSpan.FromSeconds(2));
        broker.Clock.Fire();

        Assert.Equal(1, pump.Lifetime.Aborts);
        Assert.False(pump.Lifetime.CallEndedAtAbort, "The abort reached a call that had already ended (its context may be another stream's).");
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => pump.Run.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.True(failure.IsSlowConsumer);
        Assert.Equal(StreamEnds.DrainTimeoutCause, failure.ErrorInfo!.Metadata["cause"]);
        Assert.Equal(3ul, failure.ResumeAfter!.Offset);
    }

    [Fact]
    public async Task A_sweep_goes_on_with_the_other_streams_when_one_abort_and_its_fault_log_both_throw()
    {
        await using var broker = await WatchdogBroker.StartAsync();
        var watchdog = broker.Watchdog(CancellationToken.None);
        await using var faulty = broker.Stall(watchdog);
        await using var healthy = broker.Stall(watchdog);
        faulty.Lifetime.FailWith = new ObjectDisposedException("HttpContext");
        faulty.Logger.FailOn = (15, new InvalidOperationException("the log sink is gone")); // the fault's own log line

        broker.Clock.Advance(TimeSpan.FromSeconds(2));
        var escaped = Record.Exception(broker.Clock.Fire);

        Assert.Null(escaped);
        Assert.Equal(1, healthy.Lifetime.Aborts);
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => healthy.Run.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.True(failure.IsSlowConsumer);

        // And the timer keeps sweeping.
        Assert.Null(Record.Exception(broker.Clock.Fire));
    }

    [Fact]
    public async Task The_sweep_that_the_brokers_stop_runs_does_not_throw_into_the_stop()
    {
        await using var broker = await WatchdogBroker.StartAsync(drainTimeout: TimeSpan.FromHours(1));
        using var stopping = new CancellationTokenSource();
        var watchdog = broker.Watchdog(stopping.Token);
        await using var pump = broker.Stall(watchdog);
        pump.Lifetime.FailWith = new ObjectDisposedException("HttpContext");

        // Seen stalled for longer than the check interval, and then the broker stops: the stop resets stalled streams
        // at once, on the thread that signals it.
        broker.Clock.Advance(SubscriptionPump.StallCheckInterval);
        var escaped = Record.Exception(stopping.Cancel);

        Assert.Null(escaped);
        var logged = Assert.Single(pump.Logger.Entries, static e => e.Id == 15);
        Assert.IsType<ObjectDisposedException>(logged.Error);
    }
}
