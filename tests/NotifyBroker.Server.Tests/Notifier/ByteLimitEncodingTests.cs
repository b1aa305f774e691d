using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Events;
using NotifyBroker.Server.Mapping;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// An event's byte size (what history's byte bound and the per-event limit count) against its real notify.v1.Event
/// encoding: never below it, so no event that passes Broker:MaxEventBytes is larger on the wire, and only a little
/// above it.
/// </summary>
public sealed class ByteLimitEncodingTests
{
    private const string Epoch = "0123456789abcdef";

    /// <summary>The most the estimate may exceed the encoding: numbers at their widest, zero and empty fields counted.</summary>
    private const int Slack = 128;

    private static readonly DateTimeOffset Time = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567);

    private static WindowMessageBody Window(uint id = 0xC000) =>
        new(id, null, 0, 0, null, WindowMessageOrigin.Desktop, "HOST", null, Time, 0, null);

    public static TheoryData<string> Cases() =>
    [
        "bare window message", "registered, all numbers at their widest", "copydata 0", "copydata 1 MiB", "text payload",
        "setting change", "device change", "power broadcast", "session change", "end session", "alias", "alias unicode",
        "lone surrogate", "trace context", "big offset",
    ];

    private static (BrokerEvent Event, string Why) Make(string name)
    {
        var position = new StreamPosition(1, Epoch);
        var trace = TraceContext.None;
        EventBody body = name switch
        {
            "bare window message" => Window(1),
            "registered, all numbers at their widest" => Window(0xFFFF_FFFF) with
            {
                RegisteredName = "MyApp.Refresh",
                WParam = ulong.MaxValue,
                LParam = long.MinValue,
                Origin = WindowMessageOrigin.BroadcastRpc,
                SentAt = Time,
                BroadcastFlags = uint.MaxValue,
            },
            "copydata 0" => Window(WM_COPYDATA) with { Payload = new WindowMessagePayload.CopyData(0, ReadOnlyMemory<byte>.Empty) },
            "copydata 1 MiB" => Window(WM_COPYDATA) with { Payload = new WindowMessagePayload.CopyData(ulong.MaxValue, new byte[1024 * 1024]) },
            "text payload" => Window(0x1A) with { Payload = new WindowMessagePayload.Text(new string('p', 5000)) },
            "setting change" => Window(0x1A) with
            {
                Payload = new WindowMessagePayload.Text("Environment"),
                Detail = new MessageDetail.SettingChange("Environment"),
            },
            "device change" => Window(0x219) with { Detail = new MessageDetail.DeviceChange(0x8000, "DBT_DEVICEARRIVAL") },
            "power broadcast" => Window(0x218) with { Detail = new MessageDetail.PowerBroadcast(uint.MaxValue, "PBT_APMSUSPEND") },
            "session change" => Window(WM_WTSSESSION_CHANGE) with { Detail = new MessageDetail.SessionChange(uint.MaxValue, "WTS_SESSION_LOCK", uint.MaxValue) },
            "end session" => Window(0x16) with { Detail = new MessageDetail.EndSession(true, true, uint.MaxValue) },
            "alias" => new AliasMessageBody("ALICE", "ops", new string('t', 1024), "SERVER"),
            "alias unicode" => new AliasMessageBody("Zoë", "öps", string.Concat(Enumerable.Repeat("€😀", 300)), "SÉRVER"),
            "lone surrogate" => new AliasMessageBody("\uD800", "ops", "a\uDC00b", "SERVER"),
            "trace context" => new AliasMessageBody("ALICE", "ops", "hi", "SERVER"),
            "big offset" => new AliasMessageBody("ALICE", "ops", "hi", "SERVER"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };

        if (name == "trace context")
        {
            trace = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        }

        if (name == "big offset")
        {
            position = new StreamPosition(ulong.MaxValue, Epoch);
        }

        return (new BrokerEvent(position, Time, trace, body), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_estimate_is_never_below_the_encoding_and_only_a_little_above(string name)
    {
        var (brokerEvent, _) = Make(name);

        var encoded = EventMapping.ToContract(brokerEvent).CalculateSize();

        Assert.InRange(brokerEvent.ByteSize, encoded, encoded + Slack);
    }

    [Fact]
    public void The_cached_encoding_is_the_size_counted_for_the_batch()
    {
        var (brokerEvent, _) = Make("copydata 1 MiB");

        var bytes = EventMapping.Encode(brokerEvent);

        Assert.InRange(brokerEvent.ByteSize, bytes.Length, bytes.Length + Slack);
        Assert.True(bytes.Length > 1024 * 1024);
    }
}
