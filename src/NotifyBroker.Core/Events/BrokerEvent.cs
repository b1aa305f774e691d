namespace NotifyBroker.Core.Events;

/// <summary>
/// An event the broker accepted: appended to history once, then shared, immutable, by every subscription that
/// reads it. Transports can cache their encoding on the event (<see cref="GetOrAddEncoded{TEncoded}"/>) so that an
/// event fanned out to many streams is serialised once per wire format, not once per stream.
/// </summary>
public sealed class BrokerEvent
{
    // An immutable list: one entry per wire format (almost always just one), prepended under a stripe of EncodeLocks and
    // published with a volatile write, so that readers never lock and never see a half-built entry.
    private EncodedEntry? _encoded;

    // First encodes are serialized per stripe, not per event, so history holds no lock object per event.
    private static readonly Lock[] EncodeLocks = Enumerable.Range(0, 32).Select(static _ => new Lock()).ToArray();

    public BrokerEvent(StreamPosition position, DateTimeOffset time, TraceContext trace, EventBody body)
        : this(position, time, trace, body, EventSize.Estimate(body, trace, position.Epoch ?? ""))
    {
    }

    /// <summary>An event whose <see cref="ByteSize"/> the caller has already estimated (outside its lock).</summary>
    internal BrokerEvent(StreamPosition position, DateTimeOffset time, TraceContext trace, EventBody body, int byteSize)
    {
        ArgumentNullException.ThrowIfNull(body);
        Position = position;
        Time = time;
        Trace = trace;
        Body = body;
        ByteSize = byteSize;
    }

    /// <summary>Where the event sits in history.</summary>
    public StreamPosition Position { get; }

    /// <summary>When the broker accepted it.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The W3C trace context under which the event was accepted, so a subscriber can continue the trace.</summary>
    public TraceContext Trace { get; }

    public EventBody Body { get; }

    /// <summary>
    /// The size of the event's notify.v1.Event encoding, estimated from above (<see cref="EventSize"/>): what history's
    /// byte bound and the per-event limit count.
    /// </summary>
    public int ByteSize { get; }

    /// <summary>
    /// The event's encoding in <paramref name="format"/> (compared by reference: use one static object per format),
    /// encoded on first use and exactly once: concurrent first callers (every stream woken by the same event) wait for
    /// the one that encodes. Later callers read the stored value without locking.
    /// </summary>
    public TEncoded GetOrAddEncoded<TEncoded>(object format, Func<BrokerEvent, TEncoded> encode)
        where TEncoded : notnull
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(encode);

        if (Find(Volatile.Read(ref _encoded), format) is { } cached)
        {
            return (TEncoded)cached;
        }

        // Only the first use of each format gets here.
        lock (EncodeLocks[(int)(Position.Offset % (ulong)EncodeLocks.Length)])
        {
            var head = Volatile.Read(ref _encoded);
            if (Find(head, format) is { } raced)
            {
                return (TEncoded)raced;
            }

            var value = encode(this);
            Volatile.Write(ref _encoded, new EncodedEntry(format, value, head));
            return value;
        }
    }

    public override string ToString() => $"{Position} {Body}";

    private static object? Find(EncodedEntry? entry, object format)
    {
        for (; entry is not null; entry = entry.Next)
        {
            if (ReferenceEquals(entry.Format, format))
            {
                return entry.Value;
            }
        }

        return null;
    }

    private sealed record EncodedEntry(object Format, object Value, EncodedEntry? Next);
}
