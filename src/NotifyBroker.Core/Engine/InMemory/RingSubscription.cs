using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Engine.InMemory;

/// <summary>
/// A subscription of the in-memory engine: a cursor into the history ring plus a reusable wake-up signal. Its
/// "queue" is its lag behind the ring's head, so an idle subscription holds no events and waking it allocates
/// nothing. It ends with <see cref="SubscriptionEndReason.Overflow"/> when its live lag exceeds its capacity, or when
/// history evicts an event it would have received before it got there (it could no longer be served without a gap).
/// </summary>
/// <remarks>
/// Lag counts only the events the subscription would receive: published since it opened, not yet consumed, and
/// passed by its filter (which includes its <see cref="EventVisibility"/>). Traffic it never asked for is not lag,
/// however much of it goes by while the reader is busy (writing a large event to a slow client, say).
/// <para>
/// Nothing of this is on the publisher's path: publishing stays one append and the wake-up of parked readers. The
/// reader counts as it goes, and looks ahead only when the events it has not looked at yet could take it past its
/// capacity, so a reader that keeps up never looks ahead; each event is examined at most twice (once ahead, once
/// when the cursor reaches it). What it has looked at stays known: others' events it has examined may be evicted
/// without ending it, but an unexamined event that history evicts might have been one of its own, so that ends it.
/// </para>
/// </remarks>
internal sealed class RingSubscription : IEventStream, IValueTaskSource<bool>
{
    private const int Idle = 0;
    private const int Waiting = 1;

    private readonly InMemoryEngine _engine;
    private readonly EventRing _ring;
    private readonly EventFilter _filter;
    private readonly ulong _capacity;

    // Events up to here were in history when the subscription opened: they are replay, not lag.
    private readonly ulong _replayEnd;

    private ulong _cursor;          // the last offset consumed or skipped
    private ulong _wokenFor;        // an offset the publisher found this filter passes (0: none), so the reader need not check it again

    // What the reader has looked at ahead of its cursor (reader only). The live events in (max(cursor, replayEnd),
    // _examined] have been examined; _ahead of them pass the filter, the first of them at _firstAhead (0: not known).
    // None when _examined <= max(cursor, replayEnd); _ahead and _firstAhead mean nothing then.
    private ulong _examined;
    private long _ahead;
    private ulong _firstAhead;

    // Lag's own count, for callers on other threads (the watchdog): the live events it would receive in
    // (Cursor, To], counted while the cursor stood at Cursor. Immutable; replaced, never changed.
    private LagCount? _lagCount;
    private int _waitState;         // Idle or Waiting; whoever moves it Waiting -> Idle completes the signal
    private int _endReason;         // 0 while open, else a SubscriptionEndReason
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private CancellationToken _waitToken;
    private CancellationTokenRegistration _waitRegistration;

    public RingSubscription(InMemoryEngine engine, EventFilter filter, int capacity, ulong cursor, SubscriptionOpen open)
    {
        _engine = engine;
        _ring = engine.Ring;
        _filter = filter;
        _capacity = (ulong)capacity;
        _cursor = cursor;
        _replayEnd = open.Current.Offset;
        Open = open;
    }

    public SubscriptionOpen Open { get; }

    /// <summary>Guarded by the engine's lock.</summary>
    internal bool InWaiterList { get; set; }

    internal ulong Cursor => Volatile.Read(ref _cursor);

    public StreamPosition LastPosition => new(Cursor, _engine.Epoch);

    /// <summary>
    /// The live events it would receive that it has not consumed: published since it opened, passed by its filter and
    /// visibility. Counted up to one more than its capacity (beyond that it has overflowed, whatever the number); an
    /// event history has evicted before the reader got there counts, as it may have been one of its own. Safe from
    /// any thread. Costs a look at the events it has not been counted over yet: while the cursor stands still (a
    /// reader stalled on a slow client), each call looks only at what was published since the last one.
    /// </summary>
    public long Lag
    {
        get
        {
            var cursor = Cursor;
            var head = _ring.Head;
            var from = Math.Max(cursor, _replayEnd);
            if (from >= head)
            {
                return 0;
            }

            var known = Volatile.Read(ref _lagCount);
            var to = from;
            long count = 0;
            if (known is not null && known.Cursor == cursor && known.To <= head)
            {
                to = known.To;
                count = known.Count;
            }

            var limit = (long)_capacity + 1;
            var counted = to;
            while (to < head && count < limit)
            {
                to++;
                if (_ring.TryGet(to) is not { } candidate || _filter.Matches(candidate.Body))
                {
                    count++;
                }
            }

            if (to != counted || known is null || known.Cursor != cursor)
            {
                Volatile.Write(ref _lagCount, new LagCount(cursor, to, count));
            }

            return count;
        }
    }

    public SubscriptionCompletion? Completion =>
        Volatile.Read(ref _endReason) is var reason and not 0
            ? new SubscriptionCompletion((SubscriptionEndReason)reason, LastPosition)
            : null;

    private bool IsCompleted => Volatile.Read(ref _endReason) != 0;

    // Open, or ended by the broker's stop: what was accepted before the stop still reaches the subscriber, and the
    // stream then ends with its resume position right after it.
    private bool CanRead => Volatile.Read(ref _endReason) is 0 or (int)SubscriptionEndReason.BrokerStopped;

    public bool TryRead([MaybeNullWhen(false)] out BrokerEvent brokerEvent)
    {
        if (!CanRead || !TryAdvance(out brokerEvent))
        {
            brokerEvent = null;
            return false;
        }

        var offset = brokerEvent.Position.Offset;
        if (offset <= _examined && offset > _replayEnd)
        {
            // One of those counted ahead; which one comes next is found again as the cursor moves on.
            _ahead--;
            _firstAhead = 0;
        }

        Volatile.Write(ref _cursor, offset);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        while (true)
        {
            if (!CanRead)
            {
                return new ValueTask<bool>(false);
            }

            if (TryAdvance(out _))
            {
                return new ValueTask<bool>(true);
            }

            if (IsCompleted)
            {
                return new ValueTask<bool>(false);
            }

            // Register before parking so the registration is in place before anyone can complete the wait.
            if (cancellationToken.CanBeCanceled)
            {
                _waitToken = cancellationToken;
                _waitRegistration = cancellationToken.UnsafeRegister(static state => ((RingSubscription)state!).OnWaitCanceled(), this);
            }

            if (_engine.TryPark(this))
            {
                // The token may have fired between registering and parking, when there was nothing to cancel.
                if (cancellationToken.IsCancellationRequested)
                {
                    OnWaitCanceled();
                }

                return new ValueTask<bool>(this, _signal.Version);
            }

            _waitRegistration.Dispose();
            _waitRegistration = default;
        }
    }

    public void Dispose() => Complete(SubscriptionEndReason.Disposed);

    /// <summary>End the subscription (first reason wins) and release a parked reader with false.</summary>
    internal void Complete(SubscriptionEndReason reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, (int)reason, 0) != 0)
        {
            return;
        }

        if (reason == SubscriptionEndReason.Overflow)
        {
            BrokerTelemetry.SlowConsumerDisconnects.Add(1);
        }

        Signal(false);
        _engine.Remove(this);
    }

    /// <summary>Enter the Waiting state; the engine's lock is held and the cursor is at the head. False if already ended.</summary>
    internal bool Park()
    {
        _signal.Reset();
        Interlocked.Exchange(ref _waitState, Waiting);

        // Complete() may have run just before we started waiting, and found nobody to signal.
        if (IsCompleted && Interlocked.CompareExchange(ref _waitState, Idle, Waiting) == Waiting)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Called by the publisher, under the engine's lock, for each parked subscription. True to stay parked (the
    /// event was filtered out and the cursor moved past it); false to leave the waiter list.
    /// </summary>
    internal bool OnPublished(BrokerEvent published)
    {
        if (Volatile.Read(ref _waitState) != Waiting)
        {
            return false;
        }

        if (!_filter.Matches(published.Body))
        {
            // Only moves a cursor that sits right before this event; a reader racing us would write the same value.
            var offset = published.Position.Offset;
            Interlocked.CompareExchange(ref _cursor, offset, offset - 1);
            return true;
        }

        Volatile.Write(ref _wokenFor, published.Position.Offset);
        Signal(true);
        return false;
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        try
        {
            return _signal.GetResult(token);
        }
        finally
        {
            _waitRegistration.Dispose();
            _waitRegistration = default;
        }
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);

    /// <summary>
    /// Move past filtered-out events to the next one this subscription wants, without consuming it. Ends the
    /// subscription with an overflow when more of the live events it wants are waiting than its capacity allows, or
    /// when history has evicted one of them (or one it had not looked at yet) before the cursor got there.
    /// </summary>
    private bool TryAdvance([MaybeNullWhen(false)] out BrokerEvent next)
    {
        while (true)
        {
            next = null;
            var cursor = Volatile.Read(ref _cursor);
            var head = _ring.Head;
            if (cursor >= head)
            {
                return false;
            }

            // What is known to be its own, plus everything not examined yet (all of it could be its own): only if that
            // is more than its capacity does it look ahead. A reader that keeps up never gets here.
            var liveFrom = Math.Max(cursor, _replayEnd);
            var examined = _examined > liveFrom;
            if ((examined ? _ahead + (long)(head - _examined) : (long)(head - liveFrom)) > (long)_capacity)
            {
                if (!examined)
                {
                    _examined = liveFrom;
                    _ahead = 0;
                    _firstAhead = 0;
                }

                if (!LookAhead(head))
                {
                    Complete(SubscriptionEndReason.Overflow);
                    return false;
                }
            }

            var offset = cursor + 1;
            var candidate = _ring.TryGet(offset);
            if (candidate is null)
            {
                // History evicted the next event. Resuming would leave a gap unless none of what is gone was its own.
                if (!SkipEvicted(offset))
                {
                    Complete(SubscriptionEndReason.Overflow);
                    return false;
                }

                continue;
            }

            if (offset <= _examined && offset > _replayEnd)
            {
                // Examined already: jump over what is known not to be its own.
                if (_ahead == 0)
                {
                    Volatile.Write(ref _cursor, _examined);
                    continue;
                }

                if (_firstAhead > offset)
                {
                    Volatile.Write(ref _cursor, _firstAhead - 1);
                    continue;
                }

                if (offset == _firstAhead || _filter.Matches(candidate.Body))
                {
                    _firstAhead = offset;
                    next = candidate;
                    return true;
                }
            }
            else if (offset == Volatile.Read(ref _wokenFor) || _filter.Matches(candidate.Body))
            {
                next = candidate;
                return true;
            }

            Volatile.Write(ref _cursor, offset);
        }
    }

    /// <summary>
    /// Examine live events ahead of the cursor until those not yet examined could no longer take it past its
    /// capacity, counting the ones it wants. False when it is past its capacity, or when history has evicted an event
    /// before it could be examined (it may have been one of its own).
    /// </summary>
    private bool LookAhead(ulong head)
    {
        while (_ahead + (long)(head - _examined) > (long)_capacity)
        {
            var candidate = _ring.TryGet(_examined + 1);
            if (candidate is null)
            {
                return false;
            }

            _examined++;
            if (_filter.Matches(candidate.Body))
            {
                if (_ahead++ == 0)
                {
                    _firstAhead = _examined;
                }

                if (_ahead > (long)_capacity)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The event at <paramref name="offset"/>, right after the cursor, has been evicted: move the cursor past what is
    /// gone if none of it was an event this subscription wants, which it knows only for events it has examined.
    /// False when something it wants (or might have wanted) is gone.
    /// </summary>
    private bool SkipEvicted(ulong offset)
    {
        if (offset > _examined || offset <= _replayEnd)
        {
            return false; // never examined: it may have been one of its own
        }

        if (_ahead == 0)
        {
            Volatile.Write(ref _cursor, _examined); // none of the examined events was its own
            return true;
        }

        if (_firstAhead == 0)
        {
            // It consumed one of the counted events since it last knew which comes next: find it among what is left.
            // Eviction takes the oldest first, so what is gone is a run right after the cursor.
            ulong first = 0, present = 0;
            long found = 0;
            for (var o = offset + 1; o <= _examined; o++)
            {
                if (_ring.TryGet(o) is not { } candidate)
                {
                    if (present != 0)
                    {
                        return false; // evicted while we looked: this reader is at the very tail of history
                    }

                    continue;
                }

                if (present == 0)
                {
                    present = o;
                }

                if (_filter.Matches(candidate.Body) && found++ == 0)
                {
                    first = o;
                }
            }

            if (found != _ahead)
            {
                return false; // one of its own was among the evicted
            }

            _firstAhead = first;
        }

        if (_ring.TryGet(_firstAhead) is null)
        {
            return false; // its own next event is gone
        }

        // Everything before its next event is others' traffic: losing it loses nothing.
        Volatile.Write(ref _cursor, _firstAhead - 1);
        return true;
    }

    private void Signal(bool result)
    {
        if (Interlocked.CompareExchange(ref _waitState, Idle, Waiting) == Waiting)
        {
            _signal.SetResult(result);
        }
    }

    private void OnWaitCanceled()
    {
        if (Interlocked.CompareExchange(ref _waitState, Idle, Waiting) == Waiting)
        {
            _signal.SetException(new OperationCanceledException(_waitToken));
        }
    }

    /// <summary>What <see cref="Lag"/> counted: <paramref name="Count"/> events it would receive in (<paramref name="Cursor"/>, <paramref name="To"/>].</summary>
    private sealed record LagCount(ulong Cursor, ulong To, long Count);
}
