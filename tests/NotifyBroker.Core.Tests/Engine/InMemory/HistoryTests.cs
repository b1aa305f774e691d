using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>History: positions, epochs and the count and age bounds.</summary>
public class HistoryTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Offsets_grow_by_one_per_event_within_one_epoch()
    {
        using var engine = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);

        var first = engine.Publish(Bodies.Window(1), TraceContext.None);
        var second = engine.Publish(Bodies.Window(2), TraceContext.None);

        Assert.Equal(new StreamPosition(1, engine.Epoch), first.Position);
        Assert.Equal(new StreamPosition(2, engine.Epoch), second.Position);
        Assert.Equal(second.Position, engine.CurrentPosition);
    }

    [Fact]
    public void Every_engine_has_its_own_epoch()
    {
        using var a = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);
        using var b = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);

        Assert.False(string.IsNullOrEmpty(a.Epoch));
        Assert.NotEqual(a.Epoch, b.Epoch);
    }

    [Fact]
    public void An_empty_history_reports_offset_zero()
    {
        using var engine = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);

        var state = engine.GetHistoryState();

        Assert.Equal(new HistoryState(new StreamPosition(0, engine.Epoch), new StreamPosition(0, engine.Epoch), 0), state);
    }

    [Fact]
    public void History_is_bounded_by_count()
    {
        using var engine = new InMemoryEngine(3, TimeSpan.FromHours(1), _time);
        for (uint i = 1; i <= 5; i++)
        {
            engine.Publish(Bodies.Window(i), TraceContext.None);
        }

        var state = engine.GetHistoryState();
        Assert.Equal(3, state.Count);
        Assert.Equal(3ul, state.Oldest.Offset);
        Assert.Equal(5ul, state.Current.Offset);

        using var replay = engine.Subscribe(EventFilter.All, SubscriptionStart.Since(DateTimeOffset.MinValue), 100);
        Assert.Equal([3ul, 4ul, 5ul], Read.Available(replay).Select(e => e.Position.Offset));
    }

    [Fact]
    public void History_is_bounded_by_age()
    {
        using var engine = new InMemoryEngine(100, TimeSpan.FromMinutes(5), _time);
        engine.Publish(Bodies.Window(1), TraceContext.None);
        _time.Advance(TimeSpan.FromMinutes(3));
        engine.Publish(Bodies.Window(2), TraceContext.None);
        _time.Advance(TimeSpan.FromMinutes(3));

        var state = engine.GetHistoryState();

        Assert.Equal(1, state.Count);
        Assert.Equal(2ul, state.Oldest.Offset);

        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, engine.GetHistoryState().Count);
        Assert.Equal(engine.GetHistoryState().Current, engine.GetHistoryState().Oldest);
    }

    [Fact]
    public void Events_carry_the_time_they_were_accepted_and_never_go_back_in_time()
    {
        using var engine = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);
        var start = _time.GetUtcNow();

        var first = engine.Publish(Bodies.Window(1), TraceContext.None);
        _time.Advance(TimeSpan.FromSeconds(-30));
        var second = engine.Publish(Bodies.Window(2), TraceContext.None);

        Assert.Equal(start, first.Time);
        Assert.Equal(start, second.Time);
    }

    [Fact]
    public void Events_carry_the_trace_context_they_were_published_with()
    {
        using var engine = new InMemoryEngine(10, TimeSpan.FromHours(1), _time);
        var trace = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");

        Assert.Equal(trace, engine.Publish(Bodies.Window(1), trace).Trace);
    }
}
