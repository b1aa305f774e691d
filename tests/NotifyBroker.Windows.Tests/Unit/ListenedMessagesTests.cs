using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class ListenedMessagesTests
{
    [Theory]
    [InlineData(0xC000u)]
    [InlineData(0xFFFFu)]
    [InlineData(Interop.User32.WM_COPYDATA)]
    [InlineData(Interop.User32.WM_SETTINGCHANGE)]
    [InlineData(Interop.User32.WM_QUERYENDSESSION)]
    [InlineData(Interop.User32.WM_ENDSESSION)]
    [InlineData(Interop.User32.WM_POWERBROADCAST)]
    [InlineData(Interop.User32.WM_DEVICECHANGE)]
    [InlineData(Interop.User32.WM_WTSSESSION_CHANGE)]
    [InlineData(Interop.User32.WM_DISPLAYCHANGE)]
    public void Broadcast_and_publishing_messages_are_forwarded(uint messageId)
    {
        Assert.True(ListenedMessages.IsForwarded(messageId));
    }

    [Theory]
    [InlineData(Interop.User32.WM_CREATE)]
    [InlineData(Interop.User32.WM_DESTROY)]
    [InlineData(0x0083u)] // WM_NCCALCSIZE
    [InlineData(Interop.User32.WM_USER + 1)]
    [InlineData(Interop.User32.WM_APP)]
    [InlineData(0x10000u)]
    public void Window_management_and_private_messages_stay_with_DefWindowProc(uint messageId)
    {
        Assert.False(ListenedMessages.IsForwarded(messageId));
    }

    [Fact]
    public void The_listener_grants_what_it_is_asked_and_never_denies_a_query()
    {
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(0xC042));
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(Interop.User32.WM_COPYDATA));
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(Interop.User32.WM_QUERYENDSESSION));
        Assert.NotEqual((nint)Interop.User32.BROADCAST_QUERY_DENY, ListenedMessages.AcceptedResult(0xC042));
        Assert.Null(ListenedMessages.AcceptedResult(Interop.User32.WM_SETTINGCHANGE));
    }
}
