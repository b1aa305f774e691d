using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>Why a subscription ended.</summary>
public enum SubscriptionEndReason
{
    /// <summary>
    /// The subscriber fell behind: its lag exceeded its capacity, or history evicted the next event it needed.
    /// Other subscriptions are unaffected.
    /// </summary>
    Overflow = 1,

    /// <summary>The broker stopped.</summary>
    BrokerStopped = 2,

    /// <summary>The subscription was disposed.</summary>
    Disposed = 3,
}

/// <summary>How a subscription ended, and the position to resume after (the last event it consumed).</summary>
public sealed record SubscriptionCompletion(SubscriptionEndReason Reason, StreamPosition ResumeAfter);
