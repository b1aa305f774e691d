using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>
/// Lag counts only the events a subscription would receive (its filter and its visibility): a filtered subscriber is
/// never ended for traffic it never asked for, however much of it passes while its reader is busy, and one that
/// really falls behind on its own events still overflows, with the position to resume from. A reader is "busy" here
/// when it has taken an event and not come back yet (as a pump does while it writes), so the publisher cannot move
/// its cursor past what it does not want.
/// </summary>
public class FilteredLagTests
{
    private const string Rare = "rare";

    private readonly ManualTimeProvider _time = new();

    private static EventFilter RareOnly => new(aliases: [Rare]);

    /// <summary>Traffic the rare subscriber never asked for: window messages and other aliases' messages.</summary>
    private static void Flood(IBrokerEngine engine, int count)
    {
        for (var i = 0; i < count; i++)
        {
            engine.Publish(i % 4 == 0 ? Bodies.Alias("busy", "not yours") : Bodies.Window(0xC100), TraceContext.None);
        }
    }

    private static BrokerEvent Own(IBrokerEngine engine, string text = "yours") => engine.Publish(Bodies.Alias(Rare, text), TraceContext.None);

    [Fact]
    public async Task A_busy_filtered_reader_is_not_overflowed_by_traffic_its_filter_rejects()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 4);
        Own(engine, "large");
        Assert.True(subscription.TryRead(out var first)); // now busy writing it

        Flood(engine, 2_000);
        var second = Own(engine, "next");

        Assert.Equal(1, subscription.Lag);
        Assert.True(await subscription.WaitToReadAsync(CancellationToken.None));
        Assert.True(subscription.TryRead(out var read));
        Assert.Same(second, read);
        Assert.Null(subscription.Completion);
        Assert.Equal(1ul, first.Position.Offset);
        Assert.Equal(0, subscription.Lag);

        // It goes on: more of others' traffic, then its own again.
        Flood(engine, 500);
        var third = Own(engine);
        Assert.Equal([third], Read.Available(subscription));
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void Events_its_visibility_hides_do_not_count_either()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);

        // No filter entries: everything alice may see, which is only her own aliases' messages.
        var alice = new EventFilter(visibility: new EventVisibility(WindowMessages: false, AliasOwner: "alice"));
        using var subscription = engine.Subscribe(alice, SubscriptionStart.Live, capacity: 3);
        engine.Publish(new AliasMessageBody("from", "hers", "1", "HOST", "alice"), TraceContext.None);
        Assert.True(subscription.TryRead(out _));

        for (var i = 0; i < 1_000; i++)
        {
            engine.Publish(i % 2 == 0 ? Bodies.Window(0xC100) : new AliasMessageBody("from", "his", "x", "HOST", "bob"), TraceContext.None);
        }

        var next = engine.Publish(new AliasMessageBody("from", "hers", "2", "HOST", "alice"), TraceContext.None);

        Assert.Equal(1, subscription.Lag);
        Assert.Equal([next], Read.Available(subscription));
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public async Task A_filtered_reader_that_falls_behind_on_its_own_events_overflows_with_its_resume_position()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 4);
        Own(engine);
        Assert.True(subscription.TryRead(out var consumed));

        // Five of its own among others' traffic: one more than it may fall behind.
        for (var i = 0; i < 5; i++)
        {
            Flood(engine, 50);
            Own(engine);
        }

        Assert.True(subscription.Lag > 4);
        Assert.False(await subscription.WaitToReadAsync(CancellationToken.None));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, consumed.Position), subscription.Completion);

        // Resuming from there loses none of them.
        using var resumed = engine.Subscribe(RareOnly, SubscriptionStart.After(subscription.Completion!.ResumeAfter), capacity: 4);
        Assert.True(resumed.Open.Recovered);
        Assert.Equal(5, Read.Available(resumed).Count);
    }

    [Fact]
    public void Exactly_the_capacity_of_its_own_events_behind_is_allowed_however_much_else_passed()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 4);
        Own(engine);
        Assert.True(subscription.TryRead(out _));

        var own = new List<BrokerEvent>();
        for (var i = 0; i < 4; i++)
        {
            Flood(engine, 300);
            own.Add(Own(engine));
        }

        Assert.Equal(4, subscription.Lag);
        Assert.Equal(own, Read.Available(subscription));
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void Others_events_evicted_after_it_looked_at_them_are_no_gap()
    {
        // History of 8 events, a capacity of 2: the reader, busy with its first event, has to look ahead at the others
        // to know it is not behind, and history then evicts some of them before it gets there.
        using var engine = new InMemoryEngine(8, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 2);
        Flood(engine, 1);                            // 1
        var a = Own(engine);                         // 2
        Flood(engine, 3);                            // 3..5
        var b = Own(engine);                         // 6

        Assert.True(subscription.TryRead(out var read));
        Assert.Same(a, read);                        // busy with it
        Flood(engine, 5);                            // 7..11: history now holds 4..11, so 3 is gone

        Assert.True(subscription.TryRead(out read));
        Assert.Same(b, read);
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void Others_events_evicted_between_two_of_its_own_that_it_looked_at_are_no_gap()
    {
        using var engine = new InMemoryEngine(8, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 3);
        var a = Own(engine);                         // 1
        Flood(engine, 1);                            // 2
        var b = Own(engine);                         // 3
        Flood(engine, 2);                            // 4..5
        var c = Own(engine);                         // 6

        Assert.True(subscription.TryRead(out var read));
        Assert.Same(a, read);                        // busy with it
        Flood(engine, 4);                            // 7..10: history now holds 3..10, so 2 is gone, but not its own 3

        Assert.Equal([b, c], Read.Available(subscription));
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void A_filtered_reader_whose_own_next_event_was_evicted_overflows()
    {
        using var engine = new InMemoryEngine(8, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 2);
        Flood(engine, 1);                            // 1
        var a = Own(engine);                         // 2
        Flood(engine, 3);                            // 3..5
        Own(engine);                                 // 6
        Assert.True(subscription.TryRead(out var read));
        Assert.Same(a, read);

        Flood(engine, 8);                            // 7..14: history now holds 7..14, so its own 6 is gone

        Assert.False(subscription.TryRead(out _));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.Overflow, a.Position), subscription.Completion);
    }

    [Fact]
    public void A_resumed_filtered_reader_is_not_overflowed_by_others_traffic_during_or_after_its_replay()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);
        var start = engine.CurrentPosition;
        var missed = new List<BrokerEvent>();
        for (var i = 0; i < 3; i++)
        {
            Flood(engine, 100);
            missed.Add(Own(engine));
        }

        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.After(start), capacity: 2);
        Assert.True(subscription.Open.Recovered);
        Assert.True(subscription.TryRead(out var first)); // busy with its replay
        Assert.Same(missed[0], first);

        Flood(engine, 1_000);
        var live = Own(engine);

        Assert.Equal([missed[1], missed[2], live], Read.Available(subscription));
        Assert.Null(subscription.Completion);
    }

    [Fact]
    public void Lag_counts_only_its_own_events_and_stops_counting_past_its_capacity()
    {
        using var engine = new InMemoryEngine(10_000, TimeSpan.FromHours(1), _time);
        using var subscription = engine.Subscribe(RareOnly, SubscriptionStart.Live, capacity: 3);
        using var everything = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, capacity: 10_000);
        Own(engine);
        Assert.True(subscription.TryRead(out _));
        Assert.Equal(0, subscription.Lag);

        Flood(engine, 100);
        Assert.Equal(0, subscription.Lag);
        Own(engine);
        Flood(engine, 100);
        Own(engine);
        Assert.Equal(2, subscription.Lag);
        Assert.Equal(203, everything.Lag); // the unfiltered one counts every event

        Own(engine);
        Own(engine);
        Own(engine);
        Assert.Equal(4, subscription.Lag);   // "more than its capacity": it overflows on its next read
        Assert.False(subscription.TryRead(out _));
        Assert.Equal(SubscriptionEndReason.Overflow, subscription.Completion!.Reason);
    }
}
