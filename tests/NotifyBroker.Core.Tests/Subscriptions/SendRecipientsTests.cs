using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Tests.Subscriptions;

/// <summary>
/// SendReply.recipients counts exactly the streams whose cursor will deliver the alias message: those open (cursor
/// placed) when it was published. A subscription still opening is counted only if its cursor lands before the event.
/// </summary>
public sealed class SendRecipientsTests
{
    private static BrokerSendRequest ToOps(string text) => new() { MsgName = "ops", Text = text };

    [Fact]
    public async Task A_subscription_opening_while_a_Send_publishes_is_counted_only_if_it_receives_the_message()
    {
        var engine = new InterleavingEngine(new InMemoryEngine(100, TimeSpan.FromMinutes(10)));
        await using var desktop = new InMemoryDesktop();
        await using var broker = new Broker(desktop, new BrokerOptions(), engine: engine);
        await broker.StartAsync();
        broker.AddAlias(null, "ops");

        Task<BrokerSendResult>? send = null;
        engine.BeforeSubscribe = () =>
        {
            engine.BeforeSubscribe = null;

            // The subscription is half open: it has passed the alias checks, its cursor is not placed yet. A Send now
            // must either wait for it (and reach it) or publish before it (and not count it).
            // Its own thread, so that it starts at once however busy the thread pool is.
            send = Task.Factory.StartNew(
                () => broker.SendAsync(ToOps("while opening")).AsTask(),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();

            // Give the Send every chance to publish in between: without the fix it does so at once. With the fix it
            // cannot until this subscription is open, so this wait runs out (it only bounds the chance, nothing is timed).
            engine.Published.Wait(TimeSpan.FromSeconds(1));
        };

        using Subscription subscription = broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });
        BrokerSendResult sent = await send!.WaitAsync(TimeSpan.FromSeconds(30));

        // The message is in history by now: a cursor before it hands it over at once, one after it never will.
        int received = subscription.TryRead(out BrokerEvent? brokerEvent) && brokerEvent.Body is AliasMessageBody { Text: "while opening" } ? 1 : 0;
        Assert.Equal(received, sent.Recipients);
        Assert.Equal(1, received);
    }

    [Fact]
    public async Task Recipients_are_the_open_streams_that_will_deliver_the_message()
    {
        await using var desktop = new InMemoryDesktop();
        await using var broker = new Broker(desktop, new BrokerOptions());
        await broker.StartAsync();
        broker.AddAlias(null, "ops");

        using Subscription filtered = broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });
        using Subscription everything = broker.Subscribe(new SubscriptionRequest());
        using Subscription other = broker.Subscribe(new SubscriptionRequest { Aliases = ["dev"] });
        Subscription closed = broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });
        closed.Dispose();

        BrokerSendResult sent = await broker.SendAsync(ToOps("one"));

        Assert.Equal(2, sent.Recipients);
        Assert.True(filtered.TryRead(out _));
        Assert.True(everything.TryRead(out _));
        Assert.False(other.TryRead(out _));

        // One that opens after the message was published starts live after it, and was not counted.
        using Subscription later = broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });
        Assert.False(later.TryRead(out _));
    }

    /// <summary>The in-memory engine, with a hook where a subscription's cursor is about to be placed.</summary>
    private sealed class InterleavingEngine(InMemoryEngine inner) : IBrokerEngine
    {
        public Action? BeforeSubscribe { get; set; }

        public ManualResetEventSlim Published { get; } = new();

        public string Epoch => inner.Epoch;

        public StreamPosition CurrentPosition => inner.CurrentPosition;

        public HistoryState GetHistoryState() => inner.GetHistoryState();

        public BrokerEvent Publish(EventBody body, TraceContext trace)
        {
            BrokerEvent published = inner.Publish(body, trace);
            Published.Set();
            return published;
        }

        public IEventStream Subscribe(EventFilter filter, SubscriptionStart start, int capacity)
        {
            BeforeSubscribe?.Invoke();
            return inner.Subscribe(filter, start, capacity);
        }

        public void CompleteAll(SubscriptionEndReason reason) => inner.CompleteAll(reason);

        public void Dispose()
        {
            inner.Dispose();
            Published.Dispose();
        }
    }
}
