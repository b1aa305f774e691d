using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;

namespace NotifyBroker.Core.Tests.Desktop.InMemory;

/// <summary>BroadcastSystemMessageEx's rules as the in-memory desktop applies them, whoever calls it.</summary>
public class InMemoryBroadcastTests
{
    private const int Caller = 3000;
    private const int Other = 4000;
    private const uint Message = 0xC100;

    private readonly InMemoryDesktop _desktop = new();

    private static BroadcastCommand Command(uint flags, uint recipients = BSM_APPLICATIONS, WindowMessagePayload? payload = null, uint message = Message) =>
        new(flags, recipients, message, 7, 9, payload, TimeSpan.FromMilliseconds(1));

    private static SimulatedWindowProcedure Returns(nint result) => (_, _) => result;

    [Fact]
    public async Task A_query_stops_at_the_first_window_that_denies_and_reports_it()
    {
        var first = _desktop.CreateWindow("first", Other, Returns(1));
        var denier = _desktop.CreateWindow("denier", Other, Returns(WindowMessages.BROADCAST_QUERY_DENY));
        var after = _desktop.CreateWindow("after", Other, Returns(1));

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_QUERY));

        Assert.Equal(0, outcome.Result);
        Assert.Equal(2, outcome.Delivered);
        Assert.Equal(new WindowIdentity(denier.Hwnd, 0, "denier"), outcome.DeniedBy);
        Assert.Single(first.Received);
        Assert.Single(denier.Received);
        Assert.Empty(after.Received);
    }

    [Fact]
    public async Task The_deniers_desktop_is_returned_only_with_BSF_RETURNHDESK()
    {
        _desktop.CreateWindow("denier", Other, Returns(WindowMessages.BROADCAST_QUERY_DENY));

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_QUERY | BSF_RETURNHDESK));

        Assert.Equal(_desktop.DesktopHandle, outcome.DeniedBy!.Hdesk);
    }

    [Fact]
    public async Task Without_BSF_QUERY_a_deny_result_means_nothing()
    {
        var denier = _desktop.CreateWindow("denier", Other, Returns(WindowMessages.BROADCAST_QUERY_DENY));
        var after = _desktop.CreateWindow("after", Other);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(0));

        Assert.Equal(1, outcome.Result);
        Assert.Null(outcome.DeniedBy);
        Assert.Single(after.Received);
        Assert.Equal(DeliveryMode.Sent, denier.Received[0].Mode);
    }

    [Fact]
    public async Task BSF_IGNORECURRENTTASK_skips_the_callers_own_windows()
    {
        var own = _desktop.CreateWindow("own", Caller);
        var other = _desktop.CreateWindow("other", Other);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_IGNORECURRENTTASK));

        Assert.Empty(own.Received);
        Assert.Single(other.Received);
        Assert.Equal(1, outcome.Delivered);

        await _desktop.BroadcastFromAsync(Caller, Command(0));
        Assert.Single(own.Received);
    }

    [Theory]
    [InlineData(BSF_POSTMESSAGE, DeliveryMode.Posted)]
    [InlineData(BSF_SENDNOTIFYMESSAGE, DeliveryMode.Notified)]
    [InlineData(0u, DeliveryMode.Sent)]
    [InlineData(BSF_QUERY, DeliveryMode.Sent)]
    public async Task The_flags_pick_the_delivery_mode(uint flags, DeliveryMode expected)
    {
        var window = _desktop.CreateWindow("w", Other);

        await _desktop.BroadcastFromAsync(Caller, Command(flags));

        var received = Assert.Single(window.Received);
        Assert.Equal(expected, received.Mode);
        Assert.Equal((Message, 7ul, 9L, Caller), (received.MessageId, received.WParam, received.LParam, received.SenderProcessId));
    }

    [Fact]
    public async Task A_hung_window_stops_a_BSF_NOHANG_broadcast()
    {
        var hung = _desktop.CreateWindow("hung", Other);
        hung.Hang();
        var after = _desktop.CreateWindow("after", Other);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_NOHANG));

        Assert.Equal(0, outcome.Result);
        Assert.Equal(0, outcome.Delivered);
        Assert.Empty(after.Received);
    }

    [Fact]
    public async Task BSF_FORCEIFHUNG_carries_on_past_a_hung_window()
    {
        var hung = _desktop.CreateWindow("hung", Other);
        hung.Hang();
        var after = _desktop.CreateWindow("after", Other);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_NOHANG | BSF_FORCEIFHUNG));

        Assert.Equal(1, outcome.Result);
        Assert.Equal(1, outcome.Delivered);
        Assert.Empty(hung.Received);
        Assert.Single(after.Received);
    }

    [Fact]
    public async Task A_hung_window_times_out_a_query_after_waiting()
    {
        var hung = _desktop.CreateWindow("hung", Other);
        hung.Hang();
        var after = _desktop.CreateWindow("after", Other);

        Assert.Equal(0, (await _desktop.BroadcastFromAsync(Caller, Command(BSF_QUERY))).Result);
        Assert.Empty(after.Received);

        Assert.Equal(1, (await _desktop.BroadcastFromAsync(Caller, Command(BSF_QUERY | BSF_FORCEIFHUNG))).Result);
        Assert.Single(after.Received);
    }

    [Fact]
    public async Task A_plain_synchronous_send_skips_a_hung_window_after_its_timeout()
    {
        var hung = _desktop.CreateWindow("hung", Other);
        hung.Hang();
        var after = _desktop.CreateWindow("after", Other);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(0));

        Assert.Equal(1, outcome.Result);
        Assert.Equal(1, outcome.Delivered);
        Assert.Single(after.Received);
    }

    [Fact]
    public async Task Posted_messages_wait_in_a_hung_windows_queue_until_it_resumes()
    {
        var hung = _desktop.CreateWindow("hung", Other);
        hung.Hang();

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(BSF_POSTMESSAGE));

        Assert.Equal((1, 1), (outcome.Result, outcome.Delivered));
        Assert.Equal(1, hung.QueuedCount);
        Assert.Empty(hung.Received);

        hung.Resume();
        Assert.Equal(0, hung.QueuedCount);
        Assert.Equal(DeliveryMode.Posted, Assert.Single(hung.Received).Mode);
    }

    [Theory]
    [InlineData(BSM_ALLCOMPONENTS, 2)]
    [InlineData(BSM_APPLICATIONS, 1)]
    [InlineData(BSM_ALLDESKTOPS, 2)]
    [InlineData(BSM_APPLICATIONS | BSM_ALLDESKTOPS, 2)]
    [InlineData(BSM_APPLICATIONS | BSM_VXDS, 1)]
    [InlineData(BSM_VXDS, 0)]
    [InlineData(BSM_NETDRIVER, 0)]
    [InlineData(BSM_INSTALLABLEDRIVERS, 0)]
    [InlineData(BSM_VXDS | BSM_NETDRIVER | BSM_INSTALLABLEDRIVERS, 0)]
    public async Task Recipients_select_top_level_windows_and_are_echoed(uint recipients, int expectedDelivered)
    {
        _desktop.CreateWindow("here", Other);
        _desktop.CreateWindow("elsewhere", Other, hdesk: 0x99);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(0, recipients));

        Assert.Equal(1, outcome.Result);
        Assert.Equal(expectedDelivered, outcome.Delivered);
        Assert.Equal(recipients, outcome.Recipients);
    }

    [Theory]
    [InlineData(0x800u, BSM_APPLICATIONS)]
    [InlineData(0x80000000u, BSM_APPLICATIONS)]
    [InlineData(0u, 0x20u)]
    [InlineData(BSF_QUERY | BSF_POSTMESSAGE, BSM_APPLICATIONS)]
    [InlineData(BSF_QUERY | BSF_SENDNOTIFYMESSAGE, BSM_APPLICATIONS)]
    public async Task The_desktop_itself_refuses_invalid_arguments(uint flags, uint recipients)
    {
        var error = await Assert.ThrowsAsync<BrokerException>(() => _desktop.BroadcastFromAsync(Caller, Command(flags, recipients)).AsTask());
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Theory]
    [InlineData(BSF_POSTMESSAGE)]
    [InlineData(BSF_SENDNOTIFYMESSAGE)]
    public async Task Pointer_data_cannot_be_posted_or_notified(uint flags)
    {
        var payload = new WindowMessagePayload.Text("Environment");
        var error = await Assert.ThrowsAsync<BrokerException>(
            () => _desktop.BroadcastFromAsync(Caller, Command(flags, payload: payload, message: WindowMessages.WM_SETTINGCHANGE)).AsTask());
        Assert.Equal(Win32Error.ERROR_MESSAGE_SYNC_ONLY, error.Code);
    }

    [Fact]
    public async Task A_destroyed_window_receives_nothing()
    {
        var window = _desktop.CreateWindow("w", Other);
        _desktop.DestroyWindow(window);

        var outcome = await _desktop.BroadcastFromAsync(Caller, Command(0));

        Assert.Equal(0, outcome.Delivered);
        Assert.Empty(window.Received);
    }
}
