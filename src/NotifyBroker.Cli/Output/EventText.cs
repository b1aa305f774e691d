using System.Globalization;
using System.Text;
using Google.Protobuf;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Policy;

namespace NotifyBroker.Cli.Output;

/// <summary>
/// One line per event for `notify subscribe`: time, position, kind, then what happened, e.g.
/// <c>2025-01-31T12:00:00.123Z  42@5f0c3a9e1b2d4c6f  window     WM_SETTINGCHANGE (0x001A) wParam=0x0 text="Environment" ...</c>.
/// </summary>
internal static class EventText
{
    /// <summary>How many copydata bytes are shown before the preview is cut.</summary>
    private const int PreviewBytes = 32;

    public static string Line(Event streamEvent, string details) =>
        string.Create(CultureInfo.InvariantCulture, $"{Time(streamEvent)}  {Positions.Format(streamEvent.Position ?? new Position())}  {KindOf(streamEvent),-9}  {details}");

    /// <summary>The details of a window, alias or keepalive event (Open is described by the subscription, which knows what it asked for).</summary>
    public static string Details(Event streamEvent) => streamEvent.KindCase switch
    {
        Event.KindOneofCase.WindowMessage => WindowMessage(streamEvent.WindowMessage),
        Event.KindOneofCase.AliasMessage => AliasMessage(streamEvent.AliasMessage, Time(streamEvent)),
        Event.KindOneofCase.Keepalive => "(the stream is alive; nothing new)",
        _ => "",
    };

    public static string MessageName(uint id, string registeredName) =>
        registeredName.Length > 0
            ? $"{TextEscaping.Quoted(registeredName)} ({Numbers.MessageIdHex(id)})"
            : MessageNames.Describe(id);

    public static string Time(Event streamEvent) =>
        streamEvent.Time is { } time ? Times.Format(time.ToDateTimeOffset()) : "-";

    private static string KindOf(Event streamEvent) => streamEvent.KindCase switch
    {
        Event.KindOneofCase.Open => "open",
        Event.KindOneofCase.Keepalive => "keepalive",
        Event.KindOneofCase.WindowMessage => "window",
        Event.KindOneofCase.AliasMessage => "alias",
        _ => "unknown",
    };

    private static string AliasMessage(AliasMessage message, string time) =>
        $"Message from {message.FromName} to {message.Alias} on {time}: {TextEscaping.OneLine(message.Text)}";

    private static string WindowMessage(WindowMessage message)
    {
        var line = new StringBuilder(MessageName(message.Id, message.RegisteredName));
        line.Append(" wParam=").Append(Numbers.Hex(message.Wparam));
        line.Append(" lParam=").Append(message.Lparam < 0
            ? message.Lparam.ToString(CultureInfo.InvariantCulture)
            : Numbers.Hex((ulong)message.Lparam));

        if (message.Payload is { } payload)
        {
            AppendPayload(line, payload);
        }

        if (Detail(message) is { } detail)
        {
            line.Append(" | ").Append(detail);
        }

        line.Append(" | ").Append(message.Source switch
        {
            MessageSource.BroadcastRpc => "Broadcast RPC",
            MessageSource.Desktop => "desktop",
            _ => "source unknown",
        });
        if (message.BroadcastFlags != 0)
        {
            line.Append(' ').Append(BitNames.BroadcastFlags.Format(message.BroadcastFlags));
        }

        if (message.Host.Length > 0)
        {
            line.Append(" on ").Append(message.Host);
        }

        return line.ToString();
    }

    private static void AppendPayload(StringBuilder line, Payload payload)
    {
        switch (payload.KindCase)
        {
            case Payload.KindOneofCase.Text:
                line.Append(" text=").Append(TextEscaping.Quoted(payload.Text));
                break;
            case Payload.KindOneofCase.CopyData:
                var copy = payload.CopyData;
                line.Append(" copydata(dwData=").Append(Numbers.Hex(copy.Data)).Append(", ")
                    .Append(copy.Bytes.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes)");
                AppendPreview(line, copy.Bytes);
                break;
        }
    }

    private static void AppendPreview(StringBuilder line, ByteString bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        var shown = bytes.Span[..Math.Min(bytes.Length, PreviewBytes)];
        var more = bytes.Length > PreviewBytes ? "..." : "";
        line.Append(" hex=").Append(Convert.ToHexString(shown)).Append(more);

        // A UTF-8 preview only when the bytes are text: a C string with its terminator, or plain UTF-8.
        var text = shown[^1] == 0 ? shown[..^1] : shown;
        if (IsPrintableUtf8(text, out var decoded))
        {
            line.Append(" utf8=").Append(TextEscaping.Quoted(decoded)).Append(more);
        }
    }

    private static bool IsPrintableUtf8(ReadOnlySpan<byte> bytes, out string decoded)
    {
        decoded = "";
        if (bytes.IsEmpty)
        {
            return false;
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // A cut in the middle of a multi-byte character at the preview's end is not worth a second try.
            return false;
        }

        return decoded.All(static c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
    }

    private static string? Detail(WindowMessage message) => message.DetailCase switch
    {
        Contracts.V1.WindowMessage.DetailOneofCase.SettingChange => $"setting change: {TextEscaping.Quoted(message.SettingChange.Area)}",
        Contracts.V1.WindowMessage.DetailOneofCase.DeviceChange => $"device change: {NameAndCode(message.DeviceChange.EventName, message.DeviceChange.Event)}",
        Contracts.V1.WindowMessage.DetailOneofCase.PowerBroadcast => $"power: {NameAndCode(message.PowerBroadcast.EventName, message.PowerBroadcast.Event)}",
        Contracts.V1.WindowMessage.DetailOneofCase.SessionChange => string.Create(CultureInfo.InvariantCulture,
            $"session change: {NameAndCode(message.SessionChange.ReasonName, message.SessionChange.Reason)}, session {message.SessionChange.SessionId}"),
        Contracts.V1.WindowMessage.DetailOneofCase.EndSession => message.EndSession.Query
            ? $"query end session, reasons {Numbers.Hex(message.EndSession.Reasons)}"
            : $"end session ({(message.EndSession.Ending ? "ending" : "not ending")}), reasons {Numbers.Hex(message.EndSession.Reasons)}",
        _ => null,
    };

    private static string NameAndCode(string name, uint code) =>
        name.Length > 0 ? $"{name} ({Numbers.Hex(code)})" : Numbers.Hex(code);
}
