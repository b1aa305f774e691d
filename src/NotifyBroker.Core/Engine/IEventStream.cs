using System.Diagnostics.CodeAnalysis;
using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>
/// One subscription's view of history: replay then live, as one ordered sequence without gap or duplicate. Single
/// reader: one consumer calls <see cref="WaitToReadAsync"/> and <see cref="TryRead"/>, never concurrently (the same
/// contract as a single-reader channel). <see cref="IDisposable.Dispose"/> may be called from any thread.
/// </summary>
public interface IEventStream : IDisposable
{
    /// <summary>How the subscription started (current and oldest positions, and whether it recovered).</summary>
    SubscriptionOpen Open { get; }

    /// <summary>Take the next event that passes the filter, if one is ready. False when none is, or when the stream ended.</summary>
    bool TryRead([MaybeNullWhen(false)] out BrokerEvent brokerEvent);

    /// <summary>
    /// Wait until an event may be ready (true) or the stream has ended (false; see <see cref="Completion"/>).
    /// Completes synchronously when something is already there. Throws <see cref="OperationCanceledException"/> on
    /// cancellation, which leaves the stream usable.
    /// </summary>
    ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken);

    /// <summary>Why the stream ended and where to resume, or null while it is open.</summary>
    SubscriptionCompletion? Completion { get; }

    /// <summary>The position of the last event this stream has consumed (or skipped as filtered out).</summary>
    StreamPosition LastPosition { get; }

    /// <summary>
    /// How far the subscription is behind: the live events (published since it opened) beyond
    /// <see cref="LastPosition"/> that it would receive, that is that its filter and visibility pass. Traffic it never
    /// asked for does not count. This is what its capacity bounds; an engine may stop counting one past the capacity.
    /// Safe from any thread.
    /// </summary>
    long Lag { get; }
}
