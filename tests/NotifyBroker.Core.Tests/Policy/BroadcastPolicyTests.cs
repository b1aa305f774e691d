using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>What the core checks and normalises before the desktop sees a broadcast.</summary>
public sealed class BroadcastPolicyTests : IAsyncDisposable
{
    private const int OtherProcess = 2000;

    private readonly RecordingDesktop _desktop = new();
    private readonly Broker _broker;

    public BroadcastPolicyTests()
    {
        _broker = new Broker(_desktop, new BrokerOptions { DefaultBroadcastTimeout = TimeSpan.FromMilliseconds(1234) });
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _desktop.DisposeAsync();
    }

    private static BrokerBroadcastRequest Request(uint flags = 0, uint recipients = BSM_APPLICATIONS, uint message = 0xC000) =>
        new() { Flags = flags, Recipients = recipients, MessageId = message };

    private async Task<int> ErrorCodeOf(BrokerBroadcastRequest request) =>
        (await Assert.ThrowsAsync<BrokerException>(() => _broker.BroadcastAsync(request).AsTask())).Code;

    [Fact]
    public async Task Every_documented_flag_combination_is_accepted_unless_it_mixes_delivery_modes()
    {
        _desktop.Inner.CreateWindow("w", OtherProcess);
        for (uint flags = 0; flags <= BroadcastFlags.All; flags++)
        {
            var mixesModes = ((flags & BSF_QUERY) != 0 && (flags & AsynchronousModes) != 0) ||
                (flags & AsynchronousModes) == AsynchronousModes;
            if (mixesModes)
            {
                Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(Request(flags)));
            }
            else
            {
                var result = await _broker.BroadcastAsync(Request(flags));
                Assert.True(result.Result > 0, $"flags 0x{flags:X}");
                Assert.Equal(1, result.Delivered);
            }
        }
    }

    [Fact]
    public async Task Every_unknown_flag_bit_is_an_invalid_parameter()
    {
        for (var bit = 11; bit < 32; bit++)
        {
            Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(Request(1u << bit)));
        }

        Assert.Equal(0, _desktop.BroadcastCount);
    }

    [Fact]
    public async Task Every_unknown_recipient_bit_is_an_invalid_parameter()
    {
        for (var bit = 5; bit < 32; bit++)
        {
            Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(Request(recipients: 1u << bit)));
        }

        for (uint recipients = 0; recipients <= BroadcastRecipients.All; recipients++)
        {
            var result = await _broker.BroadcastAsync(Request(recipients: recipients));
            Assert.Equal(recipients, result.Recipients);
        }
    }

    [Theory]
    [InlineData(0u, BSF_QUERY)]
    [InlineData(BSF_IGNORECURRENTTASK | BSF_NOHANG, BSF_IGNORECURRENTTASK | BSF_NOHANG | BSF_QUERY)]
    [InlineData(BSF_QUERY, BSF_QUERY)]
    [InlineData(BSF_POSTMESSAGE, BSF_POSTMESSAGE)]
    [InlineData(BSF_SENDNOTIFYMESSAGE, BSF_SENDNOTIFYMESSAGE)]
    public async Task The_desktop_always_gets_an_explicit_delivery_mode(uint requested, uint expected)
    {
        var result = await _broker.BroadcastAsync(Request(requested));

        Assert.Equal(expected, _desktop.LastBroadcast.Flags);
        Assert.Equal(expected, result.Flags);
    }

    [Fact]
    public async Task The_default_timeout_applies_when_the_request_gives_none()
    {
        await _broker.BroadcastAsync(Request());
        Assert.Equal(TimeSpan.FromMilliseconds(1234), _desktop.LastBroadcast.Timeout);

        await _broker.BroadcastAsync(Request() with { Timeout = TimeSpan.FromSeconds(3) });
        Assert.Equal(TimeSpan.FromSeconds(3), _desktop.LastBroadcast.Timeout);

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(Request() with { Timeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task A_message_named_by_registered_name_is_registered_and_its_id_returned()
    {
        var result = await _broker.BroadcastAsync(new BrokerBroadcastRequest { RegisteredName = "NotifyBroker.Event.v1" });

        Assert.InRange(result.MessageId, RegisteredFirst, RegisteredLast);
        Assert.Equal(result.MessageId, _desktop.Inner.RegisterWindowMessage("notifybroker.event.V1"));
        Assert.Equal(result.MessageId, _desktop.LastBroadcast.MessageId);
    }

    [Fact]
    public async Task The_message_needs_exactly_one_of_id_and_name_and_a_valid_id()
    {
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(new BrokerBroadcastRequest()));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(new BrokerBroadcastRequest { MessageId = 0xC000, RegisteredName = "x" }));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(new BrokerBroadcastRequest { MessageId = 0x10000 }));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(new BrokerBroadcastRequest { RegisteredName = "" }));
    }

    [Fact]
    public async Task WM_COPYDATA_needs_a_CopyData_payload()
    {
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(Request(message: WM_COPYDATA)));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER,
            await ErrorCodeOf(Request(message: WM_COPYDATA) with { Payload = new WindowMessagePayload.Text("no") }));

        var window = _desktop.Inner.CreateWindow("w", OtherProcess);
        var bytes = "hello"u8.ToArray();
        await _broker.BroadcastAsync(Request(message: WM_COPYDATA) with { Payload = new WindowMessagePayload.CopyData(42, bytes) });

        var copy = Assert.IsType<WindowMessagePayload.CopyData>(Assert.Single(window.Received).Payload);
        Assert.Equal(42ul, copy.Data);
        Assert.Equal(bytes, copy.Bytes.ToArray());
    }

    [Theory]
    [InlineData(WM_SETTINGCHANGE)]
    [InlineData(WM_DEVMODECHANGE)]
    public async Task String_messages_carry_a_text_payload_or_none(uint message)
    {
        await _broker.BroadcastAsync(Request(message: message) with { Payload = new WindowMessagePayload.Text("Environment") });
        await _broker.BroadcastAsync(Request(message: message));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER,
            await ErrorCodeOf(Request(message: message) with { Payload = new WindowMessagePayload.CopyData(1, new byte[1]) }));
    }

    [Theory]
    [InlineData(WM_COPYDATA)]
    [InlineData(WM_SETTINGCHANGE)]
    [InlineData(WM_DEVMODECHANGE)]
    [InlineData(WM_SETTEXT)]
    [InlineData(WM_DEVICECHANGE)]
    public async Task A_raw_lParam_for_a_pointer_message_is_refused(uint message)
    {
        WindowMessagePayload? payload = message == WM_COPYDATA ? new WindowMessagePayload.CopyData(1, new byte[1]) : null;
        var error = await ErrorCodeOf(Request(message: message) with { LParam = 0x1234, Payload = payload });
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error);
    }

    [Theory]
    [InlineData(WM_APP + 1)]
    [InlineData(0xC000u)]
    [InlineData(WM_SETTEXT)]
    public async Task A_payload_on_a_message_that_cannot_carry_one_is_refused(uint message)
    {
        var error = await ErrorCodeOf(Request(message: message) with { Payload = new WindowMessagePayload.Text("x") });
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error);
    }

    [Theory]
    [InlineData(BSF_POSTMESSAGE)]
    [InlineData(BSF_SENDNOTIFYMESSAGE)]
    [InlineData(BSF_POSTMESSAGE | BSF_IGNORECURRENTTASK)]
    public async Task A_pointer_message_is_forced_to_a_synchronous_send(uint flags)
    {
        var window = _desktop.Inner.CreateWindow("w", OtherProcess);

        await _broker.BroadcastAsync(Request(flags, message: WM_SETTINGCHANGE) with { Payload = new WindowMessagePayload.Text("intl") });

        Assert.True(IsSynchronous(_desktop.LastBroadcast.Flags));
        Assert.Equal(flags & ~AsynchronousModes, _desktop.LastBroadcast.Flags & ~BSF_QUERY);
        var received = Assert.Single(window.Received);
        Assert.Equal(DeliveryMode.Sent, received.Mode);
        Assert.Equal(new WindowMessagePayload.Text("intl"), received.Payload);
    }

    [Fact]
    public async Task Integer_messages_keep_their_lParam_and_mode()
    {
        var window = _desktop.Inner.CreateWindow("w", OtherProcess);

        await _broker.BroadcastAsync(Request(BSF_POSTMESSAGE, message: WM_APP + 5) with { WParam = 3, LParam = -7 });

        var received = Assert.Single(window.Received);
        Assert.Equal((WM_APP + 5, 3ul, -7L, DeliveryMode.Posted), (received.MessageId, received.WParam, received.LParam, received.Mode));
    }

    [Fact]
    public async Task A_query_veto_reports_the_denier()
    {
        _desktop.Inner.CreateWindow("ok", OtherProcess, (_, _) => 1);
        var denier = _desktop.Inner.CreateWindow("Explorer", OtherProcess, (_, _) => BROADCAST_QUERY_DENY);

        var result = await _broker.BroadcastAsync(Request(BSF_QUERY));

        Assert.Equal(0, result.Result);
        Assert.Equal(2, result.Delivered);
        Assert.Equal(new WindowIdentity(denier.Hwnd, 0, "Explorer"), result.DeniedBy);
    }

    [Fact]
    public async Task The_core_passes_a_hung_window_the_way_the_flags_say()
    {
        var hung = _desktop.Inner.CreateWindow("hung", OtherProcess);
        hung.Hang();
        var after = _desktop.Inner.CreateWindow("after", OtherProcess);
        var quick = TimeSpan.FromMilliseconds(1);

        Assert.Equal(0, (await _broker.BroadcastAsync(Request(BSF_NOHANG))).Result);
        Assert.Equal(0, (await _broker.BroadcastAsync(Request() with { Timeout = quick })).Result);
        Assert.Empty(after.Received);

        var forced = await _broker.BroadcastAsync(Request(BSF_NOHANG | BSF_FORCEIFHUNG));
        Assert.Equal((1, 1), (forced.Result, forced.Delivered));

        var posted = await _broker.BroadcastAsync(Request(BSF_POSTMESSAGE));
        Assert.Equal((1, 2), (posted.Result, posted.Delivered));
        Assert.Equal(1, hung.QueuedCount);
    }
}
