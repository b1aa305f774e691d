using System.Globalization;
using System.Text;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Events;

/// <summary>
/// How many bytes an event takes on the wire: an upper bound of its notify.v1.Event protobuf encoding, computed from
/// the event itself without encoding it (the core knows no protobuf). Strings count their exact UTF-8 length and
/// payloads their exact byte length; each field counts its tag, the largest its number can need, and the exact
/// length prefix, so the bound is never below the real encoding and at most about a hundred bytes above it (the
/// encoding omits zero and empty fields, and small numbers take fewer bytes). History's byte bound (<see cref="BrokerOptions.HistoryMaxBytes"/>) and the per-event
/// limit (<see cref="BrokerOptions.MaxEventBytes"/>) are measured with it.
/// </summary>
/// <remarks>
/// The process holds more than this per event: the decoded body (strings as UTF-16) and, once a stream has sent it,
/// the cached encoding (<see cref="BrokerEvent.GetOrAddEncoded{TEncoded}"/>), about two to three times the figure.
/// </remarks>
public static class EventSize
{
    // Field tags: one byte for field numbers below 16, two up to 2047.
    private const int Tag = 1;
    private const int WideTag = 2;

    // Largest varint of each scalar kind.
    private const int MaxVarint32 = 5;
    private const int MaxVarint64 = 10;

    // google.protobuf.Timestamp: seconds (int64) and nanos (int32, never negative), with their tags.
    private const int TimestampBody = Tag + MaxVarint64 + Tag + MaxVarint32;

    /// <summary>
    /// The ErrorInfo "limit" of an event refused for its size (<see cref="TooLarge"/>), with "max_bytes" and "event_bytes".
    /// </summary>
    public const string MaxEventBytesLimit = "max_event_bytes";

    /// <summary>The upper bound of the encoding of an event with this body and trace context, positioned in <paramref name="epoch"/>.</summary>
    public static int Estimate(EventBody body, TraceContext trace, string epoch)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(epoch);

        // notify.v1.Position: offset (uint64), epoch.
        long position = Tag + MaxVarint64 + Text(epoch);
        long size = Delimited(position)
            + Delimited(TimestampBody)
            + Text(trace.TraceParent)
            + Text(trace.TraceState)
            + body switch
            {
                WindowMessageBody window => Delimited(Window(window)),
                AliasMessageBody alias => Delimited(Text(alias.FromName) + Text(alias.Alias) + Text(alias.Text) + Text(alias.ServerName)),
                _ => throw new ArgumentOutOfRangeException(nameof(body), body, "Unknown event body."),
            };

        // Saturate: an event this large is refused anyway, and int is what every byte bound compares against.
        return size > int.MaxValue ? int.MaxValue : (int)size;
    }

    /// <summary>
    /// The failure of an event larger than <paramref name="maxBytes"/>: ERROR_INVALID_PARAMETER (the same event can
    /// never be accepted), with details naming the limit and both sizes.
    /// </summary>
    public static BrokerException TooLarge(long eventBytes, long maxBytes) => new(
        Win32Error.ERROR_INVALID_PARAMETER,
        string.Create(CultureInfo.InvariantCulture, $"The event would be {eventBytes} bytes; at most {maxBytes} are accepted (Broker:MaxEventBytes)."))
    {
        Details = new Dictionary<string, string>
        {
            ["limit"] = MaxEventBytesLimit,
            ["max_bytes"] = maxBytes.ToString(CultureInfo.InvariantCulture),
            ["event_bytes"] = eventBytes.ToString(CultureInfo.InvariantCulture),
        },
    };

    private static long Window(WindowMessageBody message)
    {
        long size = Tag + MaxVarint32                 // id
            + Text(message.RegisteredName)
            + Tag + MaxVarint64                       // wparam
            + Tag + MaxVarint64                       // lparam (int64: a negative one takes ten bytes)
            + Tag + MaxVarint32                       // source
            + Text(message.Host)
            + Delimited(TimestampBody)                // sent_at
            + Delimited(TimestampBody)                // received_at
            + Tag + MaxVarint32;                      // broadcast_flags

        size += message.Payload switch
        {
            null => 0,
            WindowMessagePayload.CopyData copy => Delimited(Delimited(Tag + MaxVarint64 + Bytes(copy.Bytes.Length))),
            WindowMessagePayload.Text text => Delimited(Text(text.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(message), message.Payload, "Unknown payload kind."),
        };

        // The detail oneof's fields are numbered 20 and up: two-byte tags.
        size += message.Detail switch
        {
            null => 0,
            MessageDetail.SettingChange setting => WideDelimited(Text(setting.Area)),
            MessageDetail.DeviceChange device => WideDelimited(Tag + MaxVarint32 + Text(device.EventName)),
            MessageDetail.PowerBroadcast power => WideDelimited(Tag + MaxVarint32 + Text(power.EventName)),
            MessageDetail.SessionChange session => WideDelimited(Tag + MaxVarint32 + Text(session.ReasonName) + Tag + MaxVarint32),
            MessageDetail.EndSession => WideDelimited(Tag + 1 + Tag + 1 + Tag + MaxVarint32),
            _ => 0,
        };

        return size;
    }

    /// <summary>A string field: tag, length prefix and UTF-8 bytes (a lone surrogate becomes U+FFFD, three bytes, as protobuf writes it).</summary>
    private static long Text(string? value) => string.IsNullOrEmpty(value) ? 0 : Bytes(Encoding.UTF8.GetByteCount(value));

    /// <summary>A bytes field of <paramref name="length"/> bytes.</summary>
    private static long Bytes(long length) => Tag + VarintSize(length) + length;

    /// <summary>A message field whose body is <paramref name="length"/> bytes.</summary>
    private static long Delimited(long length) => Tag + VarintSize(length) + length;

    private static long WideDelimited(long length) => WideTag + VarintSize(length) + length;

    private static int VarintSize(long value)
    {
        var size = 1;
        for (var rest = (ulong)value >> 7; rest != 0; rest >>= 7)
        {
            size++;
        }

        return size;
    }
}
