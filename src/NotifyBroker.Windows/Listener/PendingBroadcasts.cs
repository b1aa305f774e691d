using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Windows.Listener;

/// <summary>
/// The broker's own broadcasts that may still arrive at its listener window, so the listener can mark them
/// FromBroadcastRpc and carry their flags and correlation. A broadcast is recognised by (message, wParam, lParam):
/// the system passes no sender identity with a broadcast. A synchronous broadcast arrives during the call, so its
/// entry ends with the call; a posted or send-notified one may arrive after the call returns, so its entry lives on
/// for <c>lifetime</c> or until it is matched. Each entry matches once (one listener window).
/// When the listener says how the message arrived, a posted broadcast of ours (BSF_POSTMESSAGE) matches only a posted
/// message and a sent one only a sent message: the system never posts what it sends (WM_ENDSESSION, for one), so a
/// real session end is not mistaken for a posted WM_ENDSESSION of ours that is still waiting.
/// A foreign broadcast with the very same triple, arriving the same way while ours is in flight, would be taken as
/// ours: the price of a protocol with no sender field.
/// </summary>
internal sealed class PendingBroadcasts
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public PendingBroadcasts(TimeProvider time, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _lifetime = lifetime;
    }

    /// <summary>How many entries are waiting (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                RemoveExpired();
                return _entries.Count;
            }
        }
    }

    /// <summary>Records a broadcast about to be made. Dispose the registration when the call returns.</summary>
    public Registration Register(uint messageId, ulong wParam, nint lParam, uint flags, object? correlation, bool deliveredAfterReturn)
    {
        var entry = new Entry(messageId, wParam, lParam, flags, correlation, deliveredAfterReturn, posted: (flags & BroadcastFlags.BSF_POSTMESSAGE) != 0);
        lock (_gate)
        {
            RemoveExpired();
            _entries.Add(entry);
        }

        return new Registration(this, entry);
    }

    /// <summary>Takes the oldest in-flight broadcast matching the received message, however it arrived, if any.</summary>
    public bool TryMatch(uint messageId, ulong wParam, nint lParam, out uint flags, out object? correlation) =>
        TryMatch(messageId, wParam, lParam, arrivedPosted: null, out flags, out correlation);

    /// <summary>
    /// Takes the oldest in-flight broadcast matching the received message, if any.
    /// <paramref name="arrivedPosted"/>: true for a posted message (InSendMessageEx = ISMEX_NOSEND), false for a sent
    /// one, null when unknown (then the delivery mode is not compared).
    /// </summary>
    public bool TryMatch(uint messageId, ulong wParam, nint lParam, bool? arrivedPosted, out uint flags, out object? correlation)
    {
        lock (_gate)
        {
            RemoveExpired();
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry entry = _entries[i];
                if (entry.MessageId == messageId && entry.WParam == wParam && entry.LParam == lParam &&
                    (arrivedPosted is not { } posted || posted == entry.Posted))
                {
                    _entries.RemoveAt(i);
                    flags = entry.Flags;
                    correlation = entry.Correlation;
                    return true;
                }
            }
        }

        flags = 0;
        correlation = null;
        return false;
    }

    private void Complete(Entry entry)
    {
        lock (_gate)
        {
            if (entry.DeliveredAfterReturn)
            {
                entry.ExpiresAt = _time.GetUtcNow() + _lifetime;
            }
            else
            {
                _entries.Remove(entry);
            }

            RemoveExpired();
        }
    }

    private void RemoveExpired()
    {
        DateTimeOffset now = _time.GetUtcNow();
        _entries.RemoveAll(e => e.ExpiresAt is { } expiresAt && expiresAt <= now);
    }

    internal sealed class Entry(uint messageId, ulong wParam, nint lParam, uint flags, object? correlation, bool deliveredAfterReturn, bool posted)
    {
        public bool Posted { get; } = posted;

        public uint MessageId { get; } = messageId;
        public ulong WParam { get; } = wParam;
        public nint LParam { get; } = lParam;
        public uint Flags { get; } = flags;
        public object? Correlation { get; } = correlation;
        public bool DeliveredAfterReturn { get; } = deliveredAfterReturn;

        // Null while the call is in flight.
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    /// <summary>Ends the in-flight phase of one broadcast.</summary>
    internal sealed class Registration : IDisposable
    {
        private PendingBroadcasts? _owner;
        private readonly Entry _entry;

        internal Registration(PendingBroadcasts owner, Entry entry)
        {
            _owner = owner;
            _entry = entry;
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _owner, null)?.Complete(_entry);
        }
    }
}
