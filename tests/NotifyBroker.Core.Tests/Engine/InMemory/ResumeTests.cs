using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>Where subscriptions start: live, after a position, or since a time.</summary>
public class ResumeTests
{
    private readonly ManualTimeProvider _time = new();

    private InMemoryEngine EngineWith(int events, int historyMaxCount = 100)
    {
        var engine = new InMemoryEngine(historyMaxCount, TimeSpan.FromHours(1), _time);
        for (uint i = 1; i <= events; i++)
        {
            engine.Publish(Bodies.Window(i), TraceContext.None);
        }

        return engine;
    }

    private static ulong[] Offsets(IEnumerable<BrokerEvent> events) => [.. events.Select(e => e.Position.Offset)];

    [Fact]
    public void A_live_subscription_sees_only_what_comes_after_it_opened()
    {
        using var engine = EngineWith(3);

        using var live = engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 100);
        engine.Publish(Bodies.Window(4), TraceContext.None);

        Assert.Equal(new SubscriptionOpen(new StreamPosition(3, engine.Epoch), new StreamPosition(1, engine.Epoch), Recovered: false), live.Open);
        Assert.Equal([4ul], Offsets(Read.Available(live)));
    }

    [Fact]
    public void Resuming_inside_history_replays_then_continues_live_without_gap_or_duplicate()
    {
        using var engine = EngineWith(5);

        using var resumed = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(2, engine.Epoch)), 100);
        engine.Publish(Bodies.Window(6), TraceContext.None);

        Assert.True(resumed.Open.Recovered);
        Assert.Equal([3ul, 4ul, 5ul, 6ul], Offsets(Read.Available(resumed)));
    }

    [Fact]
    public void Resuming_at_the_head_or_right_before_the_oldest_event_is_recovered()
    {
        using var engine = EngineWith(5, historyMaxCount: 3);

        using var atHead = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(5, engine.Epoch)), 100);
        using var beforeOldest = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(2, engine.Epoch)), 100);

        Assert.True(atHead.Open.Recovered);
        Assert.Empty(Read.Available(atHead));
        Assert.True(beforeOldest.Open.Recovered);
        Assert.Equal([3ul, 4ul, 5ul], Offsets(Read.Available(beforeOldest)));
    }

    [Fact]
    public void Resuming_at_offset_zero_of_an_empty_history_is_recovered()
    {
        using var engine = EngineWith(0);

        using var resumed = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(0, engine.Epoch)), 100);
        engine.Publish(Bodies.Window(1), TraceContext.None);

        Assert.True(resumed.Open.Recovered);
        Assert.Equal([1ul], Offsets(Read.Available(resumed)));
    }

    public static TheoryData<string, ulong> OutsideHistory => new()
    {
        { "too old", 1 },
        { "in the future", 9 },
        { "other epoch", 4 },
    };

    [Theory]
    [MemberData(nameof(OutsideHistory))]
    public void A_position_outside_history_is_not_recovered_and_replays_nothing(string why, ulong offset)
    {
        using var engine = EngineWith(5, historyMaxCount: 3);
        var epoch = why == "other epoch" ? "0123456789abcdef" : engine.Epoch;

        using var resumed = engine.Subscribe(EventFilter.All, SubscriptionStart.After(new StreamPosition(offset, epoch)), 100);

        Assert.False(resumed.Open.Recovered);
        Assert.Equal(new StreamPosition(5, engine.Epoch), resumed.Open.Current);
        Assert.Empty(Read.Available(resumed));

        engine.Publish(Bodies.Window(6), TraceContext.None);
        Assert.Equal([6ul], Offsets(Read.Available(resumed)));
    }

    [Fact]
    public void Since_replays_everything_held_from_that_time_on()
    {
        using var engine = EngineWith(2);
        _time.Advance(TimeSpan.FromMinutes(1));
        var since = _time.GetUtcNow();
        engine.Publish(Bodies.Window(3), TraceContext.None);
        engine.Publish(Bodies.Window(4), TraceContext.None);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(since), 100);

        Assert.True(replay.Open.Recovered);
        Assert.Equal([3ul, 4ul], Offsets(Read.Available(replay)));
    }

    [Fact]
    public void Since_a_time_in_the_future_replays_nothing_and_is_recovered()
    {
        using var engine = EngineWith(2);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(_time.GetUtcNow().AddHours(1)), 100);

        Assert.True(replay.Open.Recovered);
        Assert.Empty(Read.Available(replay));
    }

    [Fact]
    public void Since_is_not_recovered_when_history_evicted_events_from_that_time_on()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromMinutes(5), _time);
        _time.Advance(TimeSpan.FromMinutes(1));
        var since = _time.GetUtcNow();
        engine.Publish(Bodies.Window(1), TraceContext.None);
        _time.Advance(TimeSpan.FromMinutes(10));
        engine.Publish(Bodies.Window(2), TraceContext.None);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(since), 100);

        Assert.False(replay.Open.Recovered);
        Assert.Equal([2ul], Offsets(Read.Available(replay)));
    }

    [Fact]
    public void Since_is_recovered_when_only_older_events_were_evicted()
    {
        using var engine = new InMemoryEngine(2, TimeSpan.FromHours(1), _time);
        engine.Publish(Bodies.Window(1), TraceContext.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var since = _time.GetUtcNow();
        engine.Publish(Bodies.Window(2), TraceContext.None);
        engine.Publish(Bodies.Window(3), TraceContext.None);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(since), 100);

        Assert.True(replay.Open.Recovered);
        Assert.Equal([2ul, 3ul], Offsets(Read.Available(replay)));
    }

    [Fact]
    public void Since_before_this_history_began_is_not_recovered()
    {
        using var engine = EngineWith(2);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(_time.GetUtcNow().AddDays(-1)), 100);

        Assert.False(replay.Open.Recovered);
        Assert.Equal([1ul, 2ul], Offsets(Read.Available(replay)));
    }

    [Fact]
    public void A_resumed_replay_only_yields_what_the_filter_passes()
    {
        using var engine = EngineWith(6);

        using var resumed = engine.Subscribe(new EventFilter(messageIds: [2, 5]), SubscriptionStart.After(new StreamPosition(0, engine.Epoch)), 100);

        Assert.Equal([2ul, 5ul], Offsets(Read.Available(resumed)));
        Assert.Equal(6ul, resumed.LastPosition.Offset);
    }
}
