using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>Why a subscription ended.</summary>
public enum SubscriptionEndReason
{
    /// <summary>
    /// The subscriber fell behind: more of the live events it would receive were waiting than its capacity, or
    /// history evicted one before it got there. Other subscriptions are unaffected.
    /// </summary>
    Overflow = 1,

    /// <summary>The broker stopped.</summary>
    BrokerStopped = 2,

    /// <summary>The subscription was disposed.</summary>
    Disposed = 3,

    /// <summary>
    /// The engine's shared store (e.g. Redis) became unreachable, or its history was replaced under the broker: resume
    /// after the completion's position once the engine is available again (on this broker or another).
    /// </summary>
    EngineUnavailable = 4,
}

/// <summary>How a subscription ended, and the position to resume after (the last event it consumed).</summary>
public sealed record SubscriptionCompletion(SubscriptionEndReason Reason, StreamPosition ResumeAfter);
