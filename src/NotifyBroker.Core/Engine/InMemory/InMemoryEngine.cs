using System.Security.Cryptography;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Engine.InMemory;

/// <summary>
/// The default engine: history in an <see cref="EventRing"/> (bounded by count, bytes and age) and every subscription a cursor into it
/// (<see cref="RingSubscription"/>), so replay and live are one code path and no event is copied per subscriber.
/// Publishing takes a short lock, appends, and wakes only the subscriptions that are parked waiting for an event
/// their filter passes; it never waits for a subscriber.
/// </summary>
public sealed class InMemoryEngine : IBrokerEngine
{
    private readonly Lock _sync = new();
    private readonly EventRing _ring;
    private readonly TimeSpan _maxAge;
    private readonly int _maxEventBytes;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly bool _isMirror;
    private readonly List<RingSubscription> _waiters = [];
    private readonly HashSet<RingSubscription> _subscriptions = [];
    private DateTimeOffset _lastTime;
    private bool _disposed;

    /// <param name="historyMaxCount">How many events history holds at most (at least 1).</param>
    /// <param name="historyMaxAge">How long history holds an event.</param>
    /// <param name="timeProvider">The clock for event times and age eviction.</param>
    /// <param name="historyMaxBytes">
    /// How many bytes of events history holds at most, counted as <see cref="BrokerEvent.ByteSize"/>: the oldest are
    /// evicted to make room, exactly as the count bound evicts them.
    /// </param>
    /// <param name="maxEventBytes">
    /// The largest event <see cref="Publish"/> accepts (never more than <paramref name="historyMaxBytes"/>); a larger
    /// one is refused with <see cref="EventSize.TooLarge"/> and never reaches history.
    /// </param>
    public InMemoryEngine(
        int historyMaxCount,
        TimeSpan historyMaxAge,
        TimeProvider? timeProvider = null,
        long historyMaxBytes = long.MaxValue,
        int maxEventBytes = int.MaxValue)
        : this(historyMaxCount, historyMaxAge, timeProvider, historyMaxBytes, maxEventBytes, mirror: null)
    {
    }

    /// <summary>
    /// A mirror of a history kept elsewhere (a shared engine's local copy): its epoch is <paramref name="mirror"/>'s,
    /// its first event follows <see cref="MirrorStart.StartAfter"/>, and events come only through
    /// <see cref="AppendMirrored"/> (with the positions and times the shared history gave them), never through
    /// <see cref="Publish"/>. Subscriptions, filters, lag and overflow are exactly those of the in-memory engine.
    /// </summary>
    public InMemoryEngine(
        MirrorStart mirror,
        int historyMaxCount,
        TimeSpan historyMaxAge,
        TimeProvider? timeProvider = null,
        long historyMaxBytes = long.MaxValue,
        int maxEventBytes = int.MaxValue)
        : this(historyMaxCount, historyMaxAge, timeProvider, historyMaxBytes, maxEventBytes, (MirrorStart?)mirror)
    {
    }

    private InMemoryEngine(
        int historyMaxCount,
        TimeSpan historyMaxAge,
        TimeProvider? timeProvider,
        long historyMaxBytes,
        int maxEventBytes,
        MirrorStart? mirror)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(historyMaxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(historyMaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventBytes, 1);
        _ring = new EventRing(historyMaxCount, historyMaxBytes, mirror?.StartAfter ?? 0);
        _maxAge = historyMaxAge;
        _maxEventBytes = (int)Math.Min(maxEventBytes, historyMaxBytes);
        _time = timeProvider ?? TimeProvider.System;
        _startedAt = mirror?.StartedAt ?? _time.GetUtcNow();
        _lastTime = _startedAt;
        _isMirror = mirror is not null;

        // A fresh random epoch per engine: a position from an earlier run can never be mistaken for one of ours.
        Epoch = mirror?.Epoch ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        ArgumentException.ThrowIfNullOrEmpty(Epoch, nameof(mirror));
    }

    /// <summary>
    /// Append an event a shared history has already positioned (a mirror's only way in): its epoch must be this
    /// engine's and its offset the one after <see cref="CurrentPosition"/>. Evicts by count, bytes and age exactly as
    /// <see cref="Publish"/> does, and wakes the subscriptions waiting for it.
    /// </summary>
    public void AppendMirrored(BrokerEvent brokerEvent)
    {
        ArgumentNullException.ThrowIfNull(brokerEvent);
        if (!_isMirror)
        {
            throw new InvalidOperationException("Only a mirror engine takes positioned events.");
        }

        if (brokerEvent.Position.Epoch != Epoch)
        {
            throw new ArgumentException($"The event's epoch {brokerEvent.Position.Epoch} is not this history's {Epoch}.", nameof(brokerEvent));
        }

        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _lastTime = brokerEvent.Time > _lastTime ? brokerEvent.Time : _lastTime;
            EvictExpired(_time.GetUtcNow());
            _ring.Append(brokerEvent);
            WakeWaiters(brokerEvent);
        }
    }

    public string Epoch { get; }

    public StreamPosition CurrentPosition => new(_ring.Head, Epoch);

    /// <summary>Open subscriptions.</summary>
    public int SubscriptionCount
    {
        get { lock (_sync) { return _subscriptions.Count; } }
    }

    internal EventRing Ring => _ring;

    public HistoryState GetHistoryState()
    {
        lock (_sync)
        {
            EvictExpired(_time.GetUtcNow());
            return StateUnderLock();
        }
    }

    /// <summary>The largest event <see cref="Publish"/> accepts, in <see cref="BrokerEvent.ByteSize"/> bytes.</summary>
    public int MaxEventBytes => _maxEventBytes;

    /// <inheritdoc />
    /// <exception cref="Errors.BrokerException">
    /// ERROR_INVALID_PARAMETER when the event would be larger than <see cref="MaxEventBytes"/> (<see cref="EventSize.TooLarge"/>).
    /// </exception>
    public BrokerEvent Publish(EventBody body, TraceContext trace)
    {
        ArgumentNullException.ThrowIfNull(body);

        // Measured before the lock: counting a large string's UTF-8 bytes is the only per-byte work of a publish.
        var byteSize = EventSize.Estimate(body, trace, Epoch);
        if (byteSize > _maxEventBytes)
        {
            throw EventSize.TooLarge(byteSize, _maxEventBytes);
        }

        if (_isMirror)
        {
            throw new InvalidOperationException("A mirror engine takes events only through AppendMirrored.");
        }

        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Event times never go backwards, even if the wall clock does: `since` relies on that order.
            var now = _time.GetUtcNow();
            _lastTime = now > _lastTime ? now : _lastTime;
            EvictExpired(_lastTime);

            var published = new BrokerEvent(new StreamPosition(_ring.Head + 1, Epoch), _lastTime, trace, body, byteSize);
            _ring.Append(published);
            WakeWaiters(published);
            return published;
        }
    }

    public IEventStream Subscribe(EventFilter filter, SubscriptionStart start, int capacity)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EvictExpired(_time.GetUtcNow());
            var state = StateUnderLock();
            var (cursor, recovered) = Place(start);
            var subscription = new RingSubscription(this, filter, capacity, cursor, new SubscriptionOpen(state.Current, state.Oldest, recovered));
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    public void CompleteAll(SubscriptionEndReason reason)
    {
        RingSubscription[] open;
        lock (_sync)
        {
            open = [.. _subscriptions];
        }

        foreach (var subscription in open)
        {
            subscription.Complete(reason);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
        }

        CompleteAll(SubscriptionEndReason.BrokerStopped);
    }

    /// <summary>
    /// Park a subscription that has read everything: it waits for the next event its filter passes. False when an
    /// event arrived meanwhile (or the subscription ended), so the caller reads instead.
    /// </summary>
    internal bool TryPark(RingSubscription subscription)
    {
        lock (_sync)
        {
            if (_ring.Head != subscription.Cursor)
            {
                return false;
            }

            if (!subscription.Park())
            {
                return false;
            }

            if (!subscription.InWaiterList)
            {
                subscription.InWaiterList = true;
                _waiters.Add(subscription);
            }

            return true;
        }
    }

    internal void Remove(RingSubscription subscription)
    {
        lock (_sync)
        {
            _subscriptions.Remove(subscription);
            if (subscription.InWaiterList)
            {
                subscription.InWaiterList = false;
                _waiters.Remove(subscription);
            }
        }
    }

    /// <summary>Where a new subscription's cursor goes (the last offset it counts as consumed), and whether that recovers the request.</summary>
    private (ulong Cursor, bool Recovered) Place(SubscriptionStart start)
    {
        var head = _ring.Head;
        if (start.AfterPosition is { } after)
        {
            // Resumable only when the next event the subscriber needs is still held, or has not happened yet.
            var resumable = after.Epoch == Epoch && after.Offset + 1 >= _ring.Tail && after.Offset <= head;
            return resumable ? (after.Offset, true) : (head, false);
        }

        if (start.SinceTime is { } since)
        {
            // Replay what history holds from `since` on. It is complete only if nothing at or after `since` was
            // evicted, and `since` is not before this history began (a previous run's events are gone).
            var complete = since >= _startedAt && !(_ring.LastEvictedTime >= since);
            return (_ring.FirstAtOrAfter(since) - 1, complete);
        }

        return (head, false);
    }

    private HistoryState StateUnderLock()
    {
        var current = new StreamPosition(_ring.Head, Epoch);
        var oldest = _ring.Count > 0 ? new StreamPosition(_ring.Tail, Epoch) : current;
        return new HistoryState(current, oldest, _ring.Count, _ring.Bytes);
    }

    private void EvictExpired(DateTimeOffset now) => _ring.EvictOlderThan(now - _maxAge);

    /// <summary>
    /// Wake the parked subscriptions that want <paramref name="published"/>. A parked subscription whose filter
    /// rejects it stays parked and has its cursor moved past it, so filtered-out traffic neither wakes it nor counts
    /// as lag.
    /// </summary>
    private void WakeWaiters(BrokerEvent published)
    {
        var kept = 0;
        for (var i = 0; i < _waiters.Count; i++)
        {
            var waiter = _waiters[i];
            if (waiter.OnPublished(published))
            {
                _waiters[kept++] = waiter;
            }
            else
            {
                waiter.InWaiterList = false;
            }
        }

        _waiters.RemoveRange(kept, _waiters.Count - kept);
    }
}
