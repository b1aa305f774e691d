using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine.InMemory;

/// <summary>
/// History as a ring of events, bounded by count (the ring's size) and by bytes (the sum of the events'
/// <see cref="BrokerEvent.ByteSize"/>), and trimmed by age on request. One writer at a time (the engine's lock); readers look events up by offset without locking: an event carries its own offset, so
/// a reader that finds a different offset (or none) in a slot knows its event was evicted.
/// </summary>
internal sealed class EventRing
{
    private readonly BrokerEvent?[] _slots;
    private readonly long _maxBytes;
    private long _bytes;          // the ByteSize of every event held
    private ulong _head;          // offset of the newest event; 0 before the first
    private ulong _tail = 1;      // offset of the oldest event held; _head + 1 when empty

    /// <param name="capacity">How many events the ring holds at most.</param>
    /// <param name="maxBytes">How many bytes of events it holds at most; an event larger than this is the caller's to refuse.</param>
    /// <param name="startAfter">The offset before the first event this ring will hold (0: history starts at offset 1).</param>
    public EventRing(int capacity, long maxBytes = long.MaxValue, ulong startAfter = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _slots = new BrokerEvent?[capacity];
        _maxBytes = maxBytes;
        _head = startAfter;
        _tail = startAfter + 1;
    }

    /// <summary>The newest offset. Read without the lock by subscriptions.</summary>
    public ulong Head => Volatile.Read(ref _head);

    /// <summary>The oldest offset held (Head + 1 when empty). Writer's lock only.</summary>
    public ulong Tail => _tail;

    public int Count => (int)(_head + 1 - _tail);

    /// <summary>The bytes of the events held (their <see cref="BrokerEvent.ByteSize"/>), never above the bound. Writer's lock only.</summary>
    public long Bytes => _bytes;

    public long MaxBytes => _maxBytes;

    /// <summary>The time of the newest event eviction has removed, or null if nothing was ever evicted.</summary>
    public DateTimeOffset? LastEvictedTime { get; private set; }

    /// <summary>
    /// Append the event whose offset is <see cref="Head"/> + 1, first evicting the oldest events while the ring is
    /// full or the new event would take its bytes past the bound. Writer's lock only.
    /// </summary>
    public void Append(BrokerEvent brokerEvent)
    {
        var offset = brokerEvent.Position.Offset;
        if (offset != _head + 1)
        {
            throw new InvalidOperationException($"Expected offset {_head + 1}, got {offset}.");
        }

        if (brokerEvent.ByteSize > _maxBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerEvent), brokerEvent.ByteSize, $"The event is larger than history's {_maxBytes}-byte bound.");
        }

        if (Count == _slots.Length)
        {
            EvictOldest();
        }

        while (Count > 0 && _bytes > _maxBytes - brokerEvent.ByteSize)
        {
            EvictOldest();
        }

        _bytes += brokerEvent.ByteSize;

        // Slot first, head second: a reader that sees the new head also sees the event.
        Volatile.Write(ref _slots[IndexOf(offset)], brokerEvent);
        Volatile.Write(ref _head, offset);
    }

    /// <summary>Evict events accepted before <paramref name="cutoff"/>. Writer's lock only.</summary>
    public void EvictOlderThan(DateTimeOffset cutoff)
    {
        while (Count > 0 && _slots[IndexOf(_tail)]!.Time < cutoff)
        {
            EvictOldest();
        }
    }

    /// <summary>
    /// The event at <paramref name="offset"/>, which the caller knows is at most <see cref="Head"/>; null when it has
    /// been evicted. Lock-free.
    /// </summary>
    public BrokerEvent? TryGet(ulong offset)
    {
        var candidate = Volatile.Read(ref _slots[IndexOf(offset)]);
        return candidate is not null && candidate.Position.Offset == offset ? candidate : null;
    }

    /// <summary>The offset of the first held event accepted at or after <paramref name="time"/>; Head + 1 if none. Writer's lock only.</summary>
    public ulong FirstAtOrAfter(DateTimeOffset time)
    {
        // Event times never decrease (the engine makes them monotonic), so binary search.
        ulong low = _tail, high = _head + 1;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_slots[IndexOf(middle)]!.Time < time)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void EvictOldest()
    {
        var index = IndexOf(_tail);
        var evicted = _slots[index]!;
        LastEvictedTime = evicted.Time;
        _bytes -= evicted.ByteSize;
        Volatile.Write(ref _slots[index], null);
        _tail++;
    }

    private int IndexOf(ulong offset) => (int)(offset % (ulong)_slots.Length);
}
