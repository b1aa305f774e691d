using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>The wake-up signal: waits, cancellation, and ends.</summary>
public class WaitTests
{
    private readonly InMemoryEngine _engine = new(100, TimeSpan.FromHours(1));

    [Fact]
    public async Task A_wait_completes_at_once_when_an_event_is_ready()
    {
        using var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        _engine.Publish(Bodies.Window(1), TraceContext.None);

        var wait = subscription.WaitToReadAsync(CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
    }

    [Fact]
    public async Task A_parked_reader_wakes_when_an_event_it_wants_is_published()
    {
        using var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        var wait = subscription.WaitToReadAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);

        _engine.Publish(Bodies.Window(1), TraceContext.None);

        Assert.True(await wait.AsTask().WaitAsync(Read.HangGuard));
        Assert.True(subscription.TryRead(out _));
    }

    [Fact]
    public async Task The_signal_is_reused_across_many_waits()
    {
        using var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        for (uint i = 1; i <= 50; i++)
        {
            var wait = subscription.WaitToReadAsync(CancellationToken.None);
            _engine.Publish(Bodies.Window(i), TraceContext.None);
            Assert.True(await wait.AsTask().WaitAsync(Read.HangGuard));
            Assert.True(subscription.TryRead(out var e));
            Assert.Equal(i, e.Position.Offset);
        }
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_leaves_the_subscription_usable()
    {
        using var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        using var cancellation = new CancellationTokenSource();
        var wait = subscription.WaitToReadAsync(cancellation.Token);

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.AsTask().WaitAsync(Read.HangGuard));
        _engine.Publish(Bodies.Window(1), TraceContext.None);
        Assert.True(await subscription.WaitToReadAsync(CancellationToken.None));
        Assert.True(subscription.TryRead(out _));
    }

    [Fact]
    public async Task A_wait_with_an_already_cancelled_token_throws()
    {
        using var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscription.WaitToReadAsync(new CancellationToken(true)).AsTask());
    }

    [Fact]
    public async Task Disposing_from_another_thread_releases_a_parked_reader_with_false()
    {
        var subscription = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        var wait = subscription.WaitToReadAsync(CancellationToken.None);

        await Task.Run(subscription.Dispose);

        Assert.False(await wait.AsTask().WaitAsync(Read.HangGuard));
        Assert.Equal(SubscriptionEndReason.Disposed, subscription.Completion!.Reason);
        Assert.Equal(0, _engine.SubscriptionCount);
    }

    [Fact]
    public async Task Completing_all_ends_every_subscription_with_its_resume_position_after_what_was_accepted_before()
    {
        using var first = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        using var second = _engine.Subscribe(EventFilter.All, SubscriptionStart.Live, 10);
        _engine.Publish(Bodies.Window(1), TraceContext.None);
        Assert.True(first.TryRead(out _));
        var parked = first.WaitToReadAsync(CancellationToken.None);

        _engine.CompleteAll(SubscriptionEndReason.BrokerStopped);

        Assert.False(await parked.AsTask().WaitAsync(Read.HangGuard));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.BrokerStopped, new StreamPosition(1, _engine.Epoch)), first.Completion);
        // The broker's stop loses nothing it accepted: the second subscriber still reads event 1, then the end.
        Assert.True(await second.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Read.HangGuard));
        Assert.True(second.TryRead(out var drained));
        Assert.Equal(1ul, drained.Position.Offset);
        Assert.False(second.TryRead(out _));
        Assert.False(await second.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Read.HangGuard));
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.BrokerStopped, new StreamPosition(1, _engine.Epoch)), second.Completion);
    }
}
