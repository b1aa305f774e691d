using System.Text;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Events;

/// <summary>
/// An event's byte size: what its variable parts take in UTF-8 and bytes, plus a small, bounded overhead. (That it
/// is never below the real notify.v1.Event encoding is checked against the encoding in the server's tests.)
/// </summary>
public class EventSizeTests
{
    private const string Epoch = "0123456789abcdef";

    private static int Size(EventBody body, TraceContext trace = default) => EventSize.Estimate(body, trace, Epoch);

    private static WindowMessageBody CopyData(int bytes) => Bodies.Window(WM_COPYDATA) with
    {
        Payload = new WindowMessagePayload.CopyData(7, new byte[bytes]),
    };

    [Fact]
    public void Strings_count_their_UTF8_bytes_not_their_characters()
    {
        var ascii = Size(Bodies.Alias("a", new string('x', 1000)));
        var twoByte = Size(Bodies.Alias("a", new string('é', 1000)));
        var threeByte = Size(Bodies.Alias("a", new string('€', 1000)));
        var emoji = Size(Bodies.Alias("a", string.Concat(Enumerable.Repeat("😀", 500)))); // 1,000 UTF-16 units, 2,000 bytes

        Assert.Equal(ascii + 1000, twoByte);
        Assert.Equal(ascii + 2000, threeByte);
        Assert.Equal(ascii + 1000, emoji);
    }

    [Fact]
    public void A_lone_surrogate_counts_as_the_three_bytes_of_U_FFFD()
    {
        var lone = Size(Bodies.Alias("a", "\uD800"));
        var replacement = Size(Bodies.Alias("a", "\uFFFD"));

        Assert.Equal(replacement, lone);
        Assert.Equal(3, Encoding.UTF8.GetByteCount("\uD800"));
    }

    [Fact]
    public void Payload_bytes_count_one_for_one_and_the_overhead_is_small()
    {
        var empty = Size(CopyData(0));
        var megabyte = Size(CopyData(1024 * 1024));

        Assert.InRange(megabyte - empty, 1024 * 1024, (1024 * 1024) + 8); // only the length prefix grows
        Assert.InRange(empty, 1, 512);
    }

    [Fact]
    public void Every_part_of_an_event_counts()
    {
        var bare = Bodies.Window(0xC000);
        var baseline = Size(bare);

        Assert.True(Size(bare with { RegisteredName = "MyApp.Refresh" }) > baseline);
        Assert.True(Size(bare with { Host = bare.Host + new string('h', 100) }) >= baseline + 100);
        Assert.True(Size(bare with { Payload = new WindowMessagePayload.Text(new string('t', 100)) }) >= baseline + 100);
        Assert.True(Size(bare with { Detail = new MessageDetail.SettingChange(new string('s', 100)) }) >= baseline + 100);
        Assert.True(Size(bare, new TraceContext("00-" + new string('1', 32) + "-" + new string('2', 16) + "-01", "k=" + new string('v', 100))) >= baseline + 155);
        Assert.True(EventSize.Estimate(bare, default, Epoch + new string('e', 100)) >= baseline + 100);
    }

    [Fact]
    public void A_broker_event_carries_its_size()
    {
        var body = Bodies.Alias("feed", "hello");
        var position = new StreamPosition(1, Epoch);

        var brokerEvent = new BrokerEvent(position, DateTimeOffset.UnixEpoch, TraceContext.None, body);

        Assert.Equal(Size(body), brokerEvent.ByteSize);
    }

    [Fact]
    public void Too_large_names_the_limit_and_both_sizes()
    {
        var error = EventSize.TooLarge(2_000_000, 1_048_576);

        Assert.Equal(NotifyBroker.Core.Errors.Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal("max_event_bytes", error.Details["limit"]);
        Assert.Equal("1048576", error.Details["max_bytes"]);
        Assert.Equal("2000000", error.Details["event_bytes"]);
        Assert.Contains("Broker:MaxEventBytes", error.Message, StringComparison.Ordinal);
    }
}
