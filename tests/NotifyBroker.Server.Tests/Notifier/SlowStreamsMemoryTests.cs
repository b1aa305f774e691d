using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Server.Tests.BadInput;
using NotifyBroker.Server.Tests.TestSupport;
using Xunit.Abstractions;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// Stuck readers below the overflow point, many at once (issue 10, finding 5): a hundred streams that stop reading
/// right after their Open, under bursts of large WM_COPYDATA broadcasts, never far enough behind to overflow. What the
/// process holds for them is bounded by the byte settings, not by the traffic: history by Broker:HistoryMaxBytes, each
/// stream by one batch of at most Broker:MaxBatchBytes plus HTTP/2's fixed buffers; every one of them is reset once
/// it has not drained within Broker:StreamDrainTimeout; and the next crowds of stuck streams reuse what the first one
/// left in the pools, so memory stays flat. Readers that keep up get every event throughout. The broker runs on a
/// clock the test moves (its watchdog sweeps only when told), the figures come from the broker's own counters and a
/// full GC, and nothing here is timed.
/// </summary>
[Collection(AllocationMeasuringCollection.Name)]
public sealed class SlowStreamsMemoryTests(ITestOutputHelper output)
{
    private const uint WM_COPYDATA = 0x004A;
    private const int SlowStreams = 100;
    private const int StreamsPerChannel = 25;           // below Kestrel's 100 streams per connection
    private const int FastStreams = 2;
    private const int Events = 300;
    private const int Burst = 10;                        // events published between two looks at the fast readers
    private const int Payload = 40_000;                  // 12 MB of traffic a round: 1.2 GB if each stuck stream kept it
    private const long HistoryMaxBytes = 4L * 1024 * 1024;
    private const int MaxEventBytes = 256 * 1024;
    private const int MaxBatchBytes = 128 * 1024;        // three of these events
    private const int Http2Window = 64 * 1024;           // Kestrel's response buffer, and the client's stream window
    private const long Slack = 16L * 1024 * 1024;        // the GC's own noise, pools and first-use caches
    private const int Rounds = 3;
    private const long RoundSlack = SlowStreams * (long)MaxBatchBytes;   // (Rounds - 1) rounds of half a batch a stream
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// What history may hold in memory: <see cref="HistoryMaxBytes"/> counts each event's encoded size once, and the
    /// process holds the payload besides the cached encoding (see EventSize's remarks).
    /// </summary>
    private const long HistoryHeld = 2 * HistoryMaxBytes;

    /// <summary>
    /// What one stuck stream may hold, both ends of it being in this process: its batch in Kestrel's output pipe, up to
    /// a window of it in Kestrel's response buffer and another in flight to the client, and the client's stream window.
    /// Kestrel's pinned block pool keeps the blocks once the stream is gone, to reuse them.
    /// </summary>
    private const long PerStuckStream = MaxBatchBytes + (3L * Http2Window);

    private const long Bound = HistoryHeld + (SlowStreams * PerStuckStream) + Slack;

    [Fact]
    public async Task A_hundred_stuck_streams_under_large_broadcasts_hold_no_more_than_the_byte_bounds_are_all_reset_at_the_drain_timeout_and_leave_memory_flat()
    {
        var clock = new ByteLimitPumpHarness.ManualClock();
        var resets = new DrainResetLog();
        await using var host = await BrokerTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(clock);
                builder.Logging.AddProvider(resets);
            },
            "Broker:HistoryMaxBytes=" + HistoryMaxBytes.ToString(CultureInfo.InvariantCulture),
            "Broker:MaxEventBytes=" + MaxEventBytes.ToString(CultureInfo.InvariantCulture),
            "Broker:MaxBatchBytes=" + MaxBatchBytes.ToString(CultureInfo.InvariantCulture),
            "Broker:StreamDrainTimeout=" + DrainTimeout.ToString("c", CultureInfo.InvariantCulture));

        // Everything warmed up (a stream, a send, a large event through the serializer), then the baseline.
        await BrokerAssert.ServesAsync(host);
        await PublishAsync(host, 0);
        var baseline = Heap();

        var rounds = new List<(long Stuck, long After)>();
        for (var round = 0; round < Rounds; round++)
        {
            rounds.Add(await RoundAsync(host, clock, resets, baseline));
        }

        // Flat: each crowd found what the one before left in the pools; nothing per stream stayed behind (half a
        // batch per stream and round would add up to more than the slack).
        Assert.InRange(rounds[^1].After - rounds[0].After, long.MinValue, RoundSlack);
        Assert.InRange(rounds[^1].Stuck - rounds[0].Stuck, long.MinValue, RoundSlack);
        Assert.Equal(Rounds * SlowStreams, resets.Count);
        await BrokerAssert.ServesAsync(host);
    }

    /// <summary>
    /// One crowd: <see cref="SlowStreams"/> stuck streams and <see cref="FastStreams"/> that keep up, the traffic,
    /// the drain rule's resets. Returns the GC heap over <paramref name="baseline"/> while they were stuck, and after.
    /// </summary>
    private async Task<(long Stuck, long After)> RoundAsync(BrokerTestHost host, ByteLimitPumpHarness.ManualClock clock, DrainResetLog resets, long baseline)
    {
        var resetsBefore = resets.Count;
        var channels = Enumerable.Range(0, SlowStreams / StreamsPerChannel).Select(_ => host.Host.CreateChannel()).ToList();
        var fastChannels = Enumerable.Range(0, FastStreams).Select(_ => host.Host.CreateChannel()).ToList();
        var stuck = new List<AsyncServerStreamingCall<Event>>();
        var fast = new List<(AsyncServerStreamingCall<Event> Stream, List<ulong> Offsets)>();
        long stuckPeak = 0;
        try
        {
            for (var i = 0; i < SlowStreams; i++)
            {
                var stream = Streams.Subscribe(new Contracts.V1.Notifier.NotifierClient(channels[i / StreamsPerChannel]), new SubscribeRequest { MessageIds = { WM_COPYDATA } });
                stuck.Add(stream);
                await stream.OpenAsync(); // and never reads again
            }

            foreach (var channel in fastChannels)
            {
                var stream = Streams.Subscribe(new Contracts.V1.Notifier.NotifierClient(channel), new SubscribeRequest { MessageIds = { WM_COPYDATA } });
                await stream.OpenAsync();
                fast.Add((stream, []));
            }

            // Another program broadcasts large WM_COPYDATA messages in bursts (so a stream that gets to write finds
            // several ready and fills a batch), no faster than the readers that keep up take them: history holds only
            // about a hundred. History stays within its bytes throughout.
            long historyPeak = 0;
            for (var i = 1; i <= Events; i++)
            {
                await PublishAsync(host, (ulong)i);
                var history = host.Broker.GetHistoryState();
                Assert.InRange(history.Bytes, 1, HistoryMaxBytes);
                historyPeak = Math.Max(historyPeak, history.Bytes);
                if (i % Burst == 0)
                {
                    foreach (var (stream, offsets) in fast)
                    {
                        while (offsets.Count < i)
                        {
                            offsets.Add((await stream.NextMessageAsync()).Position.Offset);
                        }
                    }
                }
            }

            // Readers that keep up got every event, in order, stuck streams or not.
            foreach (var (_, offsets) in fast)
            {
                Assert.Equal(Enumerable.Range(0, Events).Select(i => offsets[0] + (ulong)i), offsets);
            }

            // The watchdog notes each stalled write; a drain timeout later, those still stalled on that same write are
            // reset, inside the sweep. Memory is measured in between, while every stream the second sweep resets is
            // known to be stuck.
            var cycles = 0;
            while (resets.Count - resetsBefore < SlowStreams && cycles++ < 20)
            {
                clock.Fire();
                stuckPeak = Math.Max(stuckPeak, Heap() - baseline);
                clock.Advance(DrainTimeout);
                clock.Fire();
            }

            var held = host.Broker.GetHistoryState();
            output.WriteLine(FormattableString.Invariant(
                $"{SlowStreams} stuck streams: GC heap +{Mib(stuckPeak)} MiB over the baseline while stuck (bound {Mib(Bound)} MiB); history peak {Mib(historyPeak)} MiB, {held.Count} events; reset batches {resets.MinBytes}..{resets.MaxBytes} bytes; {cycles} sweep cycle(s)"));

            // Every stuck stream was reset by the drain rule, none holding more than one batch; history within its bound.
            Assert.Equal(SlowStreams, resets.Count - resetsBefore);
            Assert.InRange(resets.MaxBytes, 1, MaxBatchBytes);
            Assert.InRange(stuckPeak, 0, Bound);
            Assert.InRange(held.Bytes, 1, HistoryMaxBytes);
            Assert.True(held.Count < Events, $"history holds {held.Count} of {Events} events");
        }
        finally
        {
            foreach (var stream in stuck.Concat(fast.Select(static f => f.Stream)))
            {
                stream.Dispose();
            }

            foreach (var channel in channels.Concat(fastChannels))
            {
                channel.Dispose();
            }
        }

        // Once they are gone: history (within its bound) and what the pools keep for the next crowd.
        var after = Heap() - baseline;
        output.WriteLine(FormattableString.Invariant($"after the round: GC heap +{Mib(after)} MiB over the baseline (bound {Mib(Bound)} MiB)"));
        Assert.InRange(after, long.MinValue, Bound);
        return (stuckPeak, after);
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task PublishAsync(BrokerTestHost host, ulong i) =>
        await host.Desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, WM_COPYDATA, i, 0,
            new WindowMessagePayload.CopyData(1, new byte[Payload]), TimeSpan.FromSeconds(1)));

    /// <summary>Counts the drain-rule resets the host logs (SubscriptionPump's event 14) and the batch bytes each names.</summary>
    private sealed class DrainResetLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<long> _bytes = new();

        public int Count => _bytes.Count;

        public long MaxBytes => _bytes.IsEmpty ? 0 : _bytes.Max();

        public long MinBytes => _bytes.IsEmpty ? 0 : _bytes.Min();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(DrainResetLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id != 14 || state is not IReadOnlyList<KeyValuePair<string, object?>> values ||
                    !values.Any(static v => v.Key == "DrainTimeout"))
                {
                    return;
                }

                log._bytes.Enqueue(Convert.ToInt64(values.First(static v => v.Key == "Bytes").Value, CultureInfo.InvariantCulture));
            }
        }
    }
}
