using System.Diagnostics;
using System.Globalization;
using System.Text;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// The request side of <see cref="BrokerOptions.MaxEventBytes"/>: before the desktop is called or anything is
/// published, a conservative estimate of the event a request would cause — every string it carries in UTF-8, every
/// payload byte, the caller's trace state, plus <see cref="FixedOverhead"/> for everything else (ids, flags,
/// wParam/lParam, timestamps, position and epoch, traceparent, protobuf framing; together about half of it). It is
/// meant never to be below the engine's own estimate (Events.EventSize), which it applies when it publishes (for
/// epochs of up to 64 characters), so that a request accepted here is not refused there for its size. Too big:
/// ERROR_INVALID_PARAMETER with the engine's details: "limit" = "max_event_bytes", "max_bytes", "event_bytes".
/// </summary>
/// <remarks>
/// Checking before the broadcast matters: the event of a broadcast is made by the listener once windows have received
/// the message, too late to refuse it to the caller, and an event larger than a client's receive limit would be
/// replayed to every resuming subscriber and fail each time.
/// </remarks>
internal static class RequestSize
{
    /// <summary>Bytes allowed for everything in an event but its strings, payload and trace state.</summary>
    public const int FixedOverhead = 512;

    /// <summary>
    /// A window-message event: the registered name, the host, the payload. A text payload counts twice: the decoded
    /// detail of WM_SETTINGCHANGE repeats it. A registered id given as a number counts the longest name the event could
    /// report for it.
    /// </summary>
    public static long OfBroadcast(BrokerBroadcastRequest request, string hostName) =>
        FixedOverhead + TraceState() + Utf8(hostName) + NameOf(request) + request.Payload switch
        {
            WindowMessagePayload.CopyData copy => copy.Bytes.Length,
            WindowMessagePayload.Text text => 2L * Utf8(text.Value),
            _ => 0,
        };

    /// <summary>An alias event: from_name, alias, text and the broker's name (and the title, which a session message carries).</summary>
    public static long OfSend(string fromName, string msgName, string text, string title, string brokerName) =>
        FixedOverhead + TraceState() + Utf8(fromName) + Utf8(msgName) + Utf8(text) + Utf8(title) + Utf8(brokerName);

    /// <summary>Throw ERROR_INVALID_PARAMETER when <paramref name="estimate"/> is above <paramref name="maxEventBytes"/>.</summary>
    public static void Ensure(long estimate, int maxEventBytes)
    {
        if (estimate <= maxEventBytes)
        {
            return;
        }

        // The same code and details as the engine's refusal of an event too large, so that clients see one failure.
        throw new BrokerException(
            Win32Error.ERROR_INVALID_PARAMETER,
            string.Create(CultureInfo.InvariantCulture, $"The event would be about {estimate} bytes; at most {maxEventBytes} are accepted (Broker:MaxEventBytes)."))
        {
            Details = new Dictionary<string, string>
            {
                ["limit"] = "max_event_bytes",
                ["max_bytes"] = maxEventBytes.ToString(CultureInfo.InvariantCulture),
                ["event_bytes"] = estimate.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static long NameOf(BrokerBroadcastRequest request) =>
        request.RegisteredName is { } name ? Utf8(name)
        : request.MessageId is { } id && WindowMessages.IsRegisteredRange(id) ? 3L * WindowMessages.MaxRegisteredNameLength
        : 0;

    // The event's trace context comes from the calling activity, whose tracestate a client's request can set.
    private static long TraceState() => Utf8(Activity.Current?.TraceStateString);

    private static long Utf8(string? value) => string.IsNullOrEmpty(value) ? 0 : Encoding.UTF8.GetByteCount(value);
}
