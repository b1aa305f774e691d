using NotifyBroker.Windows.Listener;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class ListenedMessagesTests
{
    [Theory]
    [InlineData(0xC000u)]
    [InlineData(0xFFFFu)]
    [InlineData(WM_COPYDATA)]
    [InlineData(WM_SETTINGCHANGE)]
    [InlineData(WM_QUERYENDSESSION)]
    [InlineData(WM_ENDSESSION)]
    [InlineData(WM_POWERBROADCAST)]
    [InlineData(WM_DEVICECHANGE)]
    [InlineData(WM_WTSSESSION_CHANGE)]
    [InlineData(WM_DISPLAYCHANGE)]
    public void Broadcast_and_publishing_messages_are_forwarded(uint messageId)
    {
        Assert.True(ListenedMessages.IsForwarded(messageId));
    }

    [Theory]
    [InlineData(WM_CREATE)]
    [InlineData(WM_DESTROY)]
    [InlineData(WM_NCCALCSIZE)]
    [InlineData(WM_USER + 1)]
    [InlineData(WM_APP)]
    [InlineData(0x10000u)]
    public void Window_management_and_private_messages_stay_with_DefWindowProc(uint messageId)
    {
        Assert.False(ListenedMessages.IsForwarded(messageId));
    }

    [Fact]
    public void The_listener_grants_what_it_is_asked_and_never_denies_a_query()
    {
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(0xC042));
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(WM_COPYDATA));
        Assert.Equal((nint)1, ListenedMessages.AcceptedResult(WM_QUERYENDSESSION));
        Assert.NotEqual(BROADCAST_QUERY_DENY, ListenedMessages.AcceptedResult(0xC042));
        Assert.Null(ListenedMessages.AcceptedResult(WM_SETTINGCHANGE));
    }
}
