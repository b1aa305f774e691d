using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Engine.InMemory;

/// <summary>
/// A subscription of the in-memory engine: a cursor into the history ring plus a reusable wake-up signal. Its
/// "queue" is its lag behind the ring's head, so an idle subscription holds no events and waking it allocates
/// nothing. It ends with <see cref="SubscriptionEndReason.Overflow"/> when its live lag (events published since it
/// opened that it has not consumed) exceeds its capacity or when history evicts the next event it needs.
/// </summary>
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

    public long Lag => (long)(_ring.Head - Cursor);

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

        Volatile.Write(ref _cursor, brokerEvent.Position.Offset);
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
    /// subscription with an overflow when it has fallen too far behind.
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

            if (head - Math.Max(cursor, _replayEnd) > _capacity)
            {
                Complete(SubscriptionEndReason.Overflow);
                return false;
            }

            var candidate = _ring.TryGet(cursor + 1);
            if (candidate is null)
            {
                // History evicted the event we need: resuming would leave a gap, so end here instead.
                Complete(SubscriptionEndReason.Overflow);
                return false;
            }

            if (candidate.Position.Offset == Volatile.Read(ref _wokenFor) || _filter.Matches(candidate.Body))
            {
                next = candidate;
                return true;
            }

            Volatile.Write(ref _cursor, cursor + 1);
        }
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
}
