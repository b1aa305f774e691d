using System.Text;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Events;

namespace NotifyBroker.Redis.Codec;

/// <summary>
/// The compact, versioned binary form of an event's body and trace context in Redis history (the core knows no
/// protobuf). Version 1: a version byte, the trace context, a kind byte (1 window message, 2 alias message) and the
/// kind's fields in declaration order; strings are length-prefixed UTF-8 (-1 for null), times are UTC ticks.
/// </summary>
public static class EventCodec
{
    public const byte Version = 1;

    public static byte[] Encode(EventBody body, TraceContext trace)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            WriteString(w, trace.TraceParent);
            WriteString(w, trace.TraceState);
            switch (body)
            {
                case WindowMessageBody m:
                    w.Write((byte)1);
                    w.Write(m.MessageId);
                    WriteString(w, m.RegisteredName);
                    w.Write(m.WParam);
                    w.Write(m.LParam);
                    WritePayload(w, m.Payload);
                    w.Write((byte)m.Origin);
                    WriteString(w, m.Host);
                    WriteTime(w, m.SentAt);
                    w.Write(m.ReceivedAt.UtcTicks);
                    w.Write(m.BroadcastFlags);
                    WriteDetail(w, m.Detail);
                    break;
                case AliasMessageBody a:
                    w.Write((byte)2);
                    WriteString(w, a.FromName);
                    WriteString(w, a.Alias);
                    WriteString(w, a.Text);
                    WriteString(w, a.ServerName);
                    WriteString(w, a.Owner);
                    break;
                default:
                    throw new NotSupportedException($"No encoding for {body.GetType().Name}.");
            }
        }

        return stream.ToArray();
    }

    public static (EventBody Body, TraceContext Trace) Decode(ReadOnlyMemory<byte> data)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var version = r.ReadByte();
        if (version != Version)
        {
            throw new InvalidDataException($"Unknown event encoding version {version}.");
        }

        var trace = new TraceContext(ReadString(r), ReadString(r));
        EventBody body = r.ReadByte() switch
        {
            1 => new WindowMessageBody(
                r.ReadUInt32(),
                ReadString(r),
                r.ReadUInt64(),
                r.ReadInt64(),
                ReadPayload(r),
                (WindowMessageOrigin)r.ReadByte(),
                ReadString(r) ?? "",
                ReadTime(r),
                new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero),
                r.ReadUInt32(),
                ReadDetail(r)),
            2 => new AliasMessageBody(ReadString(r) ?? "", ReadString(r) ?? "", ReadString(r) ?? "", ReadString(r) ?? "", ReadString(r) ?? ""),
            var kind => throw new InvalidDataException($"Unknown event kind {kind}."),
        };
        return (body, trace);
    }

    private static void WritePayload(BinaryWriter w, WindowMessagePayload? payload)
    {
        switch (payload)
        {
            case null:
                w.Write((byte)0);
                break;
            case WindowMessagePayload.CopyData copy:
                w.Write((byte)1);
                w.Write(copy.Data);
                w.Write(copy.Bytes.Length);
                w.Write(copy.Bytes.Span);
                break;
            case WindowMessagePayload.Text text:
                w.Write((byte)2);
                WriteString(w, text.Value);
                break;
            default:
                throw new NotSupportedException(payload.GetType().Name);
        }
    }

    private static WindowMessagePayload? ReadPayload(BinaryReader r) => r.ReadByte() switch
    {
        0 => null,
        1 => new WindowMessagePayload.CopyData(r.ReadUInt64(), r.ReadBytes(r.ReadInt32())),
        2 => new WindowMessagePayload.Text(ReadString(r) ?? ""),
        var kind => throw new InvalidDataException($"Unknown payload kind {kind}."),
    };

    private static void WriteDetail(BinaryWriter w, MessageDetail? detail)
    {
        switch (detail)
        {
            case null:
                w.Write((byte)0);
                break;
            case MessageDetail.SettingChange s:
                w.Write((byte)1);
                WriteString(w, s.Area);
                break;
            case MessageDetail.DeviceChange d:
                w.Write((byte)2);
                w.Write(d.Event);
                WriteString(w, d.EventName);
                break;
            case MessageDetail.PowerBroadcast p:
                w.Write((byte)3);
                w.Write(p.Event);
                WriteString(w, p.EventName);
                break;
            case MessageDetail.SessionChange c:
                w.Write((byte)4);
                w.Write(c.Reason);
                WriteString(w, c.ReasonName);
                w.Write(c.SessionId);
                break;
            case MessageDetail.EndSession e:
                w.Write((byte)5);
                w.Write(e.Query);
                w.Write(e.Ending);
                w.Write(e.Reasons);
                break;
            default:
                throw new NotSupportedException(detail.GetType().Name);
        }
    }

    private static MessageDetail? ReadDetail(BinaryReader r) => r.ReadByte() switch
    {
        0 => null,
        1 => new MessageDetail.SettingChange(ReadString(r) ?? ""),
        2 => new MessageDetail.DeviceChange(r.ReadUInt32(), ReadString(r) ?? ""),
        3 => new MessageDetail.PowerBroadcast(r.ReadUInt32(), ReadString(r) ?? ""),
        4 => new MessageDetail.SessionChange(r.ReadUInt32(), ReadString(r) ?? "", r.ReadUInt32()),
        5 => new MessageDetail.EndSession(r.ReadBoolean(), r.ReadBoolean(), r.ReadUInt32()),
        var kind => throw new InvalidDataException($"Unknown detail kind {kind}."),
    };

    private static void WriteString(BinaryWriter w, string? value)
    {
        if (value is null)
        {
            w.Write(-1);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static string? ReadString(BinaryReader r)
    {
        var length = r.ReadInt32();
        return length < 0 ? null : Encoding.UTF8.GetString(r.ReadBytes(length));
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset? time)
    {
        w.Write(time.HasValue);
        if (time is { } t)
        {
            w.Write(t.UtcTicks);
        }
    }

    private static DateTimeOffset? ReadTime(BinaryReader r) =>
        r.ReadBoolean() ? new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero) : null;
}
