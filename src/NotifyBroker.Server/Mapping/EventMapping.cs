using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Server.Observability;

namespace NotifyBroker.Server.Mapping;

/// <summary>
/// The core's events → notify.v1.Event. An accepted event's bytes are the same for every subscriber (position, time
/// and trace context belong to the event, not to the stream), so <see cref="Encode"/> serialises each event once and
/// caches the bytes on the event for every other stream that carries it.
/// </summary>
internal static class EventMapping
{
    /// <summary>The key of our slot in <see cref="BrokerEvent.GetOrAddEncoded{TEncoded}"/>: protobuf notify.v1.Event.</summary>
    private static readonly object ProtobufFormat = new();

    private static readonly Func<BrokerEvent, byte[]> Serialize = static brokerEvent =>
    {
        ServerTelemetry.EventsEncoded.Add(1);
        return ToContract(brokerEvent).ToByteArray();
    };

    /// <summary>The event's notify.v1.Event bytes, serialised on first use and shared afterwards.</summary>
    public static byte[] Encode(BrokerEvent brokerEvent) => brokerEvent.GetOrAddEncoded(ProtobufFormat, Serialize);

    public static Event ToContract(BrokerEvent brokerEvent)
    {
        var contract = new Event
        {
            Position = PositionMapping.ToContract(brokerEvent.Position),
            Time = ContractTime.ToTimestamp(brokerEvent.Time),
            Traceparent = brokerEvent.Trace.TraceParent ?? "",
            Tracestate = brokerEvent.Trace.TraceState ?? "",
        };

        switch (brokerEvent.Body)
        {
            case WindowMessageBody message:
                contract.WindowMessage = ToContract(message);
                break;
            case AliasMessageBody alias:
                contract.AliasMessage = new AliasMessage
                {
                    FromName = alias.FromName,
                    Alias = alias.Alias,
                    Text = alias.Text,
                    ServerName = alias.ServerName,
                };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(brokerEvent), brokerEvent.Body, "Unknown event body.");
        }

        return contract;
    }

    /// <summary>The first event of a stream.</summary>
    public static Event Open(SubscriptionOpen open, TimeSpan keepaliveInterval, DateTimeOffset now) => new()
    {
        Position = PositionMapping.ToContract(open.Current),
        Time = ContractTime.ToTimestamp(now),
        Open = new Open
        {
            Recovered = open.Recovered,
            Oldest = PositionMapping.ToContract(open.Oldest),
            KeepaliveInterval = Duration.FromTimeSpan(keepaliveInterval),
        },
    };

    /// <summary>A keepalive carrying the position the stream has reached (resuming after it loses nothing).</summary>
    public static Event Keepalive(StreamPosition position, DateTimeOffset now) => new()
    {
        Position = PositionMapping.ToContract(position),
        Time = ContractTime.ToTimestamp(now),
        Keepalive = new Keepalive(),
    };

    private static WindowMessage ToContract(WindowMessageBody message)
    {
        var contract = new WindowMessage
        {
            Id = message.MessageId,
            RegisteredName = message.RegisteredName ?? "",
            Wparam = message.WParam,
            Lparam = message.LParam,
            Payload = PayloadMapping.ToContract(message.Payload),
            Source = message.Origin == WindowMessageOrigin.BroadcastRpc ? MessageSource.BroadcastRpc : MessageSource.Desktop,
            Host = message.Host,
            SentAt = message.SentAt is { } sentAt ? ContractTime.ToTimestamp(sentAt) : null,
            ReceivedAt = ContractTime.ToTimestamp(message.ReceivedAt),
            BroadcastFlags = message.BroadcastFlags,
        };

        switch (message.Detail)
        {
            case MessageDetail.SettingChange setting:
                contract.SettingChange = new SettingChange { Area = setting.Area };
                break;
            case MessageDetail.DeviceChange device:
                contract.DeviceChange = new DeviceChange { Event = device.Event, EventName = device.EventName };
                break;
            case MessageDetail.PowerBroadcast power:
                contract.PowerBroadcast = new PowerBroadcast { Event = power.Event, EventName = power.EventName };
                break;
            case MessageDetail.SessionChange session:
                contract.SessionChange = new SessionChange { Reason = session.Reason, ReasonName = session.ReasonName, SessionId = session.SessionId };
                break;
            case MessageDetail.EndSession end:
                contract.EndSession = new EndSession { Query = end.Query, Ending = end.Ending, Reasons = end.Reasons };
                break;
        }

        return contract;
    }
}
