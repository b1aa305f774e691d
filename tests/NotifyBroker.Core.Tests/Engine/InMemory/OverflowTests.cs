using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>Slow consumers end alone, with the position to resume from; nobody else waits and memory stays bounded.</summary>
public class OverflowTests
{
    private readonly ManualTimeProvider _time = new();

    private static void PublishMany(IBrokerEngine engine, int count)
    {
        for (var i = 0; i < count; i++)
        {
            engine.Publish(Bodies.Window(1), TraceContext.None);
        }
    }

    [Fact]
    public async Task A_slow_consumer_overflows_alone_with_the_position_it_last_consumed()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time);
        using var fast = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 5);
        using var slow = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 5);
        var fastSeen = new List<BrokerEvent>();

        for (var i = 0; i < 10; i++)
        {
            engine.Publish(Bodies.Window(1), TraceContext.None);
            fastSeen.AddRange(Read.Available(fast));
            if (i < 2)
            {
                Assert.True(slow.TryRead(out _));
            }
        }

        Assert.False(await slow.WaitToReadAsync(CancellationToken.None));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, new StreamPosition(2, engine.Epoch)), slow.Completion);
        Assert.False(slow.TryRead(out _));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), fastSeen.Select(e => e.Position.Offset));
        Assert.Null(fast.Completion);

        // The resume position is good: history still holds what the slow consumer missed.
        using var resumed = engine.Subscribe(EventFilter.All, SubscriptionStart.After(slow.Completion!.ResumeAfter), capacity: 100);
        Assert.True(resumed.Open.Recovered);
        Assert.Equal(Enumerable.Range(3, 8).Select(i => (ulong)i), Read.Available(resumed).Select(e => e.Position.Offset));
    }

    [Fact]
    public void A_lag_of_exactly_the_capacity_is_allowed()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 5);

        PublishMany(engine, 5);

        Assert.Equal(5, Read.Available(subscription).Count);
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void A_consumer_whose_next_event_was_evicted_overflows()
    {
        using var engine = new InMemoryEngine(5, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 1000);

        PublishMany(engine, 6);

        Assert.False(subscription.TryRead(out _));
        Assert.Equal(SubscriptionEndReason.Overflow, subscription.Completion!.Reason);
        Assert.Equal(0ul, subscription.Completion.ResumeAfter.Offset);
    }

    [Fact]
    public void A_consumer_overflows_when_age_evicts_its_next_event()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromMinutes(1), _time);
        using var subscription = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 1000);
        PublishMany(engine, 2);
        Assert.True(subscription.TryRead(out _));

        _time.Advance(TimeSpan.FromMinutes(2));
        engine.Publish(Bodies.Window(1), TraceContext.None);

        Assert.False(subscription.TryRead(out _));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, new StreamPosition(1, engine.Epoch)), subscription.Completion);
    }

    [Fact]
    public void A_replay_longer_than_the_capacity_is_not_lag()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time);
        PublishMany(engine, 50);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(0, engine.Epoch)), capacity: 5);

        Assert.Equal(50, Read.Available(replay).Count);
        Assert.Null(replay.Completion);
    }

    [Fact]
    public void A_replaying_consumer_that_falls_behind_the_live_tail_overflows()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time);
        PublishMany(engine, 50);
        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(0, engine.Epoch)), capacity: 5);
        Assert.True(replay.TryRead(out _));

        PublishMany(engine, 6);

        Assert.False(replay.TryRead(out _));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, new StreamPosition(1, engine.Epoch)), replay.Completion);
    }

    [Fact]
    public void Filtered_out_traffic_does_not_make_a_parked_subscriber_lag()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(new EventFilter(messageIds: [7]), SubscriptionStart.Live, capacity: 2);
        var wait = subscription.WaitToReadAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);

        PublishMany(engine, 50);

        Assert.False(wait.IsCompleted);
        Assert.Equal(0, subscription.Lag);
        engine.Publish(Bodies.Window(7), TraceContext.None);
        Assert.True(wait.IsCompleted);
        Assert.True(subscription.TryRead(out var e));
        Assert.Equal(51ul, e.Position.Offset);
    }

    [Fact]
    public async Task Fast_readers_get_everything_while_a_stalled_one_overflows_and_the_publisher_never_waits()
    {
        const int Events = 3000;
        using var engine = new InMemoryEngine(Events, TimeSpan.FromHours(1));
        using var stalled = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 64);
        var fast = Enumerable.Range(0, 8).Select(_ => engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: Events)).ToArray();

        var readers = fast.Select(s => Task.Run(async () =>
        {
            using var guard = new CancellationTokenSource(Read.HangGuard);
            var offsets = new List<ulong>();
            while (offsets.Count < Events && await s.WaitToReadAsync(guard.Token))
            {
                while (s.TryRead(out var e))
                {
                    offsets.Add(e.Position.Offset);
                }
            }

            return offsets;
        })).ToArray();

        await Task.Run(() => PublishMany(engine, Events));
        var results = await Task.WhenAll(readers);

        foreach (var offsets in results)
        {
            Assert.Equal(Enumerable.Range(1, Events).Select(i => (ulong)i), offsets);
        }

        Assert.False(await stalled.WaitToReadAsync(CancellationToken.None));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, new StreamPosition(0, engine.Epoch)), stalled.Completion);
        Assert.All(fast, s => Assert.Null(s.Completion));
        foreach (var s in fast)
        {
            s.Dispose();
        }
    }

    [Fact]
    public void Memory_stays_bounded_by_history_whatever_a_stalled_subscriber_does()
    {
        using var engine = new InMemoryEngine(1000, TimeSpan.FromHours(1), _time);
        using var stalled = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 1_000_000);

        PublishMany(engine, 100_000);

        Assert.Equal(1000, engine.GetHistoryState().Count);
        Assert.False(stalled.TryRead(out _));
        Assert.Equal(SubscriptionEndReason.Overflow, stalled.Completion!.Reason);
    }

    [Fact]
    public void An_idle_subscription_costs_well_under_a_kilobyte()
    {
        using var engine = new InMemoryEngine(1000, TimeSpan.FromHours(1), _time);
        engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 1024).Dispose(); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        using var subscription = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 1024);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 1, 1023);
    }
}
