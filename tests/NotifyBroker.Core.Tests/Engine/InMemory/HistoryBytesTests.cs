using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>History bounded by bytes (Broker:HistoryMaxBytes) besides count and age, and the per-event byte limit.</summary>
public class HistoryBytesTests
{
    private readonly ManualTimeProvider _time = new();

    private static AliasMessageBody Big(int chars, char fill = 'x') => Bodies.Alias("feed", new string(fill, chars));

    /// <summary>The bytes an event of <paramref name="body"/> counts in an engine's history.</summary>
    private static int SizeIn(InMemoryEngine engine, EventBody body) => EventSize.Estimate(body, TraceContext.None, engine.Epoch);

    [Fact]
    public void History_is_bounded_by_bytes_and_evicts_the_oldest_first()
    {
        var probe = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);
        var eventBytes = SizeIn(probe, Big(10_000));
        probe.Dispose();

        // Room for three events and a bit: the count (100) and the age never bind.
        var bound = (3L * eventBytes) + (eventBytes / 2);
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time, historyMaxBytes: bound);
        for (var i = 0; i < 10; i++)
        {
            engine.Publish(Big(10_000), TraceContext.None);
        }

        var state = engine.GetHistoryState();
        Assert.Equal(3, state.Count);
        Assert.Equal(3L * eventBytes, state.Bytes);
        Assert.True(state.Bytes <= bound);
        Assert.Equal(8ul, state.Oldest.Offset);
        Assert.Equal(10ul, state.Current.Offset);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(DateTimeOffset.MinValue), 100);
        Assert.Equal([8ul, 9ul, 10ul], Read.Available(replay).Select(e => e.Position.Offset));
    }

    [Fact]
    public void Held_bytes_never_exceed_the_bound_and_always_equal_the_events_held()
    {
        const long Bound = 64 * 1024;
        using var engine = new InMemoryEngine(1000, TimeSpan.FromHours(1), _time, historyMaxBytes: Bound, maxEventBytes: 16 * 1024);
        var random = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            // Mixed sizes, some with two- and three-byte UTF-8 characters.
            var fill = (i % 3) switch { 0 => 'a', 1 => 'é', _ => '€' };
            engine.Publish(Big(random.Next(0, 5_000), fill), TraceContext.None);

            var state = engine.GetHistoryState();
            Assert.InRange(state.Bytes, 1, Bound);
        }

        var final = engine.GetHistoryState();
        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(DateTimeOffset.MinValue), 1000);
        var held = Read.Available(replay);
        Assert.Equal(final.Count, held.Count);
        Assert.Equal(final.Bytes, held.Sum(static e => (long)e.ByteSize));
        Assert.Equal(final.Oldest, held[0].Position);

        Assert.True(final.Count < 500); // the bytes bound, not the count, decided
    }

    [Fact]
    public void Resuming_after_an_event_evicted_by_bytes_is_not_recovered_exactly_as_for_count()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time, historyMaxBytes: 40_000, maxEventBytes: 20_000);
        var first = engine.Publish(Big(15_000), TraceContext.None);
        for (var i = 0; i < 5; i++)
        {
            engine.Publish(Big(15_000), TraceContext.None);
        }

        using var lost = engine.Subscribe(EventFilter.All, SubscriptionStart.After(first.Position), 100);
        Assert.False(lost.Open.Recovered);
        Assert.Empty(Read.Available(lost)); // no replay: live from the current position

        var oldest = engine.GetHistoryState().Oldest;
        using var kept = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(oldest.Offset - 1, engine.Epoch)), 100);
        Assert.True(kept.Open.Recovered);
        Assert.Equal(oldest, Read.Available(kept)[0].Position);
    }

    [Fact]
    public void A_subscriber_whose_next_event_was_evicted_by_bytes_ends_with_an_overflow_at_its_last_position()
    {
        using var engine = new InMemoryEngine(1000, TimeSpan.FromHours(1), _time, historyMaxBytes: 50_000, maxEventBytes: 20_000);
        using var slow = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 1000);
        engine.Publish(Big(100), TraceContext.None);
        Assert.True(slow.TryRead(out var read));

        // Well within its capacity of 1,000 events, but the bytes push its next event out of history.
        for (var i = 0; i < 10; i++)
        {
            engine.Publish(Big(15_000), TraceContext.None);
        }

        Assert.False(slow.TryRead(out _));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, read.Position), slow.Completion);
    }

    [Fact]
    public void An_event_over_the_per_event_limit_is_refused_and_leaves_history_and_positions_as_they_were()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time, historyMaxBytes: 1_000_000, maxEventBytes: 4096);
        using var subscription = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 100);
        engine.Publish(Big(100), TraceContext.None);
        var before = engine.GetHistoryState();

        var error = Assert.Throws<BrokerException>(() => engine.Publish(Big(5000), TraceContext.None));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal(EventSize.MaxEventBytesLimit, error.Details["limit"]);
        Assert.Equal("4096", error.Details["max_bytes"]);
        Assert.True(long.Parse(error.Details["event_bytes"], System.Globalization.CultureInfo.InvariantCulture) > 5000);
        Assert.Equal(before, engine.GetHistoryState());

        // The next event takes the next offset: the refused one left no gap, and subscribers never saw it.
        var next = engine.Publish(Big(100), TraceContext.None);
        Assert.Equal(before.Current.Offset + 1, next.Position.Offset);
        Assert.Equal([1ul, 2ul], Read.Available(subscription).Select(e => e.Position.Offset));
    }

    [Fact]
    public void An_event_at_the_limit_is_accepted_and_one_byte_more_is_not()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time, historyMaxBytes: 1_000_000, maxEventBytes: 4096);
        var chars = 4096;
        while (SizeIn(engine, Big(chars)) > 4096)
        {
            chars--;
        }

        var published = engine.Publish(Big(chars), TraceContext.None);

        Assert.InRange(published.ByteSize, 4096 - 2, 4096);
        Assert.True(SizeIn(engine, Big(chars + 1)) > 4096);
        Assert.Throws<BrokerException>(() => engine.Publish(Big(chars + 1), TraceContext.None));
    }

    [Fact]
    public void The_per_event_limit_is_never_above_the_history_bound()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time, historyMaxBytes: 8192);

        Assert.Equal(8192, engine.MaxEventBytes);
        Assert.Throws<BrokerException>(() => engine.Publish(Big(9000), TraceContext.None));
        Assert.Equal(0, engine.GetHistoryState().Count);
    }

    [Fact]
    public void Age_and_count_eviction_give_their_bytes_back()
    {
        using var engine = new InMemoryEngine(2, TimeSpan.FromMinutes(5), _time, historyMaxBytes: 1_000_000);
        var first = engine.Publish(Big(1000), TraceContext.None);
        var second = engine.Publish(Big(2000), TraceContext.None);
        var third = engine.Publish(Big(3000), TraceContext.None); // count evicts the first

        Assert.Equal((long)second.ByteSize + third.ByteSize, engine.GetHistoryState().Bytes);

        _time.Advance(TimeSpan.FromMinutes(6));
        var state = engine.GetHistoryState();
        Assert.Equal((0, 0L), (state.Count, state.Bytes));
        Assert.True(first.ByteSize > 0);
    }

    [Fact]
    public async Task The_history_bytes_gauge_reports_what_history_holds()
    {
        await using var test = await TestBroker.StartAsync(o => o.HistoryMaxBytes = 1024 * 1024);
        await test.Desktop.BroadcastFromAsync(TestBroker.OtherProcess, new NotifyBroker.Core.Desktop.BroadcastCommand(
            0, 0, NotifyBroker.Core.Desktop.WindowMessages.WM_COPYDATA, 0, 0, new NotifyBroker.Core.Desktop.WindowMessagePayload.CopyData(1, new byte[5000]), TimeSpan.FromSeconds(1)));

        long? reported = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NotifyBroker.Core.Observability.BrokerTelemetry.Name && instrument.Name == "notify.broker.history.bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "notify.broker.epoch" && Equals(tag.Value, test.Broker.Epoch))
                {
                    reported = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(test.Broker.GetHistoryState().Bytes, reported);
        Assert.True(reported > 5000);
    }
}
