using Grpc.Core;
using Microsoft.Extensions.Logging;
using NotifyBroker.Client;
using NotifyBroker.Server.Notifier;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The drain rule, on one pump with a clock the test moves: a stream whose written bytes are not drained within
/// Broker:StreamDrainTimeout is ended, overflowed or not, with SLOW_CONSUMER and the position after the last event it
/// handed over. And the watchdog's abort is safe: it never reaches a call that has ended (Kestrel recycles the
/// context), and an abort that throws does not escape the timer thread.
/// </summary>
public sealed class ByteLimitDrainTests
{
    /// <param name="drainTimeout">Broker:StreamDrainTimeout.</param>
    /// <param name="releaseInline">Whether releasing the held flush runs the pump on, inline, as a transport thread would.</param>
    private static async Task<ByteLimitPumpHarness> StalledAsync(TimeSpan drainTimeout, bool releaseInline = false)
    {
        var harness = await ByteLimitPumpHarness.CreateAsync(o =>
        {
            o.StreamDrainTimeout = drainTimeout;
            o.MaxBatchBytes = 64 * 1024;
        });

        // Five events of 10 KB: one batch, far below any overflow (capacity 1,000), which the client never takes.
        await harness.PublishAsync(bytes: 10_000, count: 5);
        harness.Body.PassFirst = 1;
        harness.Body.HoldFlushes = true;
        harness.Body.ReleaseInline = releaseInline;
        harness.Start();
        Assert.True(harness.Body.FlushPending);
        Assert.Equal([1ul, 2ul, 3ul, 4ul, 5ul], harness.WrittenOffsets());

        harness.Clock.Fire(); // the watchdog sees the slow flush
        return harness;
    }

    [Fact]
    public async Task A_flush_not_drained_within_the_drain_timeout_ends_the_stream_with_SLOW_CONSUMER_and_its_resume_position()
    {
        await using var harness = await StalledAsync(TimeSpan.FromSeconds(5));

        // Stalled, but not yet for the drain timeout: left alone (it has not overflowed either).
        harness.Clock.Advance(TimeSpan.FromSeconds(4));
        harness.Clock.Fire();
        Assert.Equal(0, harness.Lifetime.Aborts);
        Assert.False(harness.Run!.IsCompleted);

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        harness.Clock.Fire();

        Assert.Equal(1, harness.Lifetime.Aborts);
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => harness.Run!.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        Assert.True(failure.IsSlowConsumer);
        Assert.Equal(5ul, failure.ResumeAfter!.Offset);
        Assert.Equal(StreamEnds.DrainTimeoutCause, failure.ErrorInfo!.Metadata["cause"]);
        Assert.Equal("5000", failure.ErrorInfo.Metadata["drain_timeout_ms"]);

        // The reset is logged with what the stream held and where it can resume.
        var logged = Assert.Single(harness.PumpLogger.Entries, static e => e.Id.Id == 14);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains("up to 5@", logged.Message, StringComparison.Ordinal);
        Assert.Contains("Broker:StreamDrainTimeout", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_takes_the_batch_in_time_is_left_alone()
    {
        await using var harness = await StalledAsync(TimeSpan.FromSeconds(5), releaseInline: true);
        harness.Clock.Advance(TimeSpan.FromSeconds(4));
        harness.Clock.Fire();

        // The client takes the batch just in time; the pump goes on (inline, here) and waits for the next event.
        harness.Body.ReleaseFlush();
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        harness.Clock.Fire();
        Assert.Equal(0, harness.Lifetime.Aborts);

        // And the stream still delivers (the hang guard only bounds the wait; nothing is timed).
        await harness.PublishAsync(bytes: 100);
        Assert.True(SpinWait.SpinUntil(() => harness.WrittenOffsets().Count == 6, TimeSpan.FromSeconds(20)));
        await harness.CancelCallAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, harness.Lifetime.Aborts);
        Assert.Equal([1ul, 2ul, 3ul, 4ul, 5ul, 6ul], harness.WrittenOffsets());
    }

    [Fact]
    public async Task The_abort_reaches_the_call_before_it_ends_even_when_the_flush_completes_under_it()
    {
        // Kestrel completes the stalled flush inside Abort(), and the pump's continuation may run right there. Without
        // the gate it would run the call to its end, and Kestrel recycle the context, before Abort had returned.
        await using var harness = await StalledAsync(TimeSpan.FromSeconds(1), releaseInline: true);

        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        harness.Clock.Fire();

        Assert.Equal(1, harness.Lifetime.Aborts);
        Assert.False(harness.Lifetime.CallEndedAtAbort);
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => harness.Run!.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.True(failure.IsSlowConsumer);
        Assert.Equal(5ul, failure.ResumeAfter!.Offset);
    }

    [Fact]
    public async Task A_reset_decided_for_a_call_that_has_since_ended_aborts_nothing()
    {
        await using var harness = await StalledAsync(TimeSpan.FromSeconds(1));
        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        var pump = harness.Pump!;

        // The sweep decides to reset the stalled write...
        Assert.Equal(SubscriptionPump.Attention.Reset, pump.Inspect(harness.Clock.GetTimestamp(), stopping: false));

        // ...then the client takes the data, the call ends and its context goes back to Kestrel's pool...
        harness.Body.ReleaseFlush();
        await harness.CancelCallAsync().WaitAsync(TimeSpan.FromSeconds(20));

        // ...and the sweep gets round to it: the context it holds may now be another stream's, so it is left alone.
        pump.Attend(SubscriptionPump.Attention.Reset);
        Assert.Equal(0, harness.Lifetime.Aborts);
    }

    [Fact]
    public async Task An_abort_that_throws_is_logged_and_does_not_escape_the_watchdogs_timer()
    {
        await using var harness = await StalledAsync(TimeSpan.FromSeconds(1));
        harness.Lifetime.FailWith = new ObjectDisposedException("HttpContext");
        harness.Clock.Advance(TimeSpan.FromSeconds(2));

        var escaped = Record.Exception(harness.Clock.Fire);

        Assert.Null(escaped);
        var logged = Assert.Single(harness.PumpLogger.Entries, static e => e.Id.Id == 15);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<ObjectDisposedException>(logged.Error);

        // The watchdog goes on: the next sweep still runs (the stream was marked reset; releasing its flush ends it).
        Assert.Null(Record.Exception(harness.Clock.Fire));
        harness.Body.ReleaseFlush();
        var failure = new NotifyException(await Assert.ThrowsAsync<RpcException>(() => harness.Run!.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.True(failure.IsSlowConsumer);
    }
}
