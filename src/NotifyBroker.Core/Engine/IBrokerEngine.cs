using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Engine;

/// <summary>
/// Where accepted events go: the engine appends each to history exactly once (which gives it its position) and
/// lets subscriptions read history and the live tail as one ordered sequence. The in-memory engine is the default;
/// the interface is the seam for a shared engine (e.g. Redis Streams) when several brokers share fan-out.
/// Engines know nothing of transports.
/// </summary>
public interface IBrokerEngine : IDisposable
{
    /// <summary>The history's epoch: new whenever history restarts.</summary>
    string Epoch { get; }

    /// <summary>The position of the newest event (offset 0 before the first one).</summary>
    StreamPosition CurrentPosition { get; }

    /// <summary>What history holds right now.</summary>
    HistoryState GetHistoryState();

    /// <summary>
    /// Append an event and wake the subscriptions waiting for it. Never blocks on a subscriber; safe to call from
    /// the desktop's message-loop thread. An engine with a per-event byte limit refuses a larger event with
    /// <see cref="EventSize.TooLarge"/> (a <see cref="Errors.BrokerException"/>), so that no subscriber is ever sent
    /// an event its client cannot receive.
    /// </summary>
    BrokerEvent Publish(EventBody body, TraceContext trace);

    /// <summary>
    /// Open a subscription: a cursor placed by <paramref name="start"/>, reading only what
    /// <paramref name="filter"/> passes, that ends with an overflow when its live lag (<see cref="IEventStream.Lag"/>:
    /// only events the filter passes count) exceeds <paramref name="capacity"/>, or when history evicts an event it
    /// would have received before it got there.
    /// </summary>
    IEventStream Subscribe(EventFilter filter, SubscriptionStart start, int capacity);

    /// <summary>End every open subscription with <paramref name="reason"/> (each keeps its resume position).</summary>
    void CompleteAll(SubscriptionEndReason reason);
}
