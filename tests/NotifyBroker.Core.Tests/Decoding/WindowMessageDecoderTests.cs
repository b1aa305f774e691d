using NotifyBroker.Core.Decoding;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Events;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Decoding;

public class WindowMessageDecoderTests
{
    [Fact]
    public void WM_SETTINGCHANGE_yields_its_area()
    {
        Assert.Equal(new MessageDetail.SettingChange("Environment"),
            WindowMessageDecoder.Decode(WM_SETTINGCHANGE, 0, 0, new WindowMessagePayload.Text("Environment")));
        Assert.Equal(new MessageDetail.SettingChange(""), WindowMessageDecoder.Decode(WM_SETTINGCHANGE, 0x2F, 0, null));
    }

    [Theory]
    [InlineData(0x8000ul, "DBT_DEVICEARRIVAL")]
    [InlineData(0x8004ul, "DBT_DEVICEREMOVECOMPLETE")]
    [InlineData(0x0007ul, "DBT_DEVNODES_CHANGED")]
    [InlineData(0x1234ul, "")]
    public void WM_DEVICECHANGE_yields_the_DBT_event(ulong wParam, string name)
    {
        Assert.Equal(new MessageDetail.DeviceChange((uint)wParam, name), WindowMessageDecoder.Decode(WM_DEVICECHANGE, wParam, 0, null));
    }

    [Theory]
    [InlineData(0x4ul, "PBT_APMSUSPEND")]
    [InlineData(0x12ul, "PBT_APMRESUMEAUTOMATIC")]
    [InlineData(0xAul, "PBT_APMPOWERSTATUSCHANGE")]
    [InlineData(0x8013ul, "PBT_POWERSETTINGCHANGE")]
    public void WM_POWERBROADCAST_yields_the_PBT_event(ulong wParam, string name)
    {
        Assert.Equal(new MessageDetail.PowerBroadcast((uint)wParam, name), WindowMessageDecoder.Decode(WM_POWERBROADCAST, wParam, 0, null));
    }

    [Theory]
    [InlineData(0x7ul, "WTS_SESSION_LOCK")]
    [InlineData(0x8ul, "WTS_SESSION_UNLOCK")]
    [InlineData(0x1ul, "WTS_CONSOLE_CONNECT")]
    public void WM_WTSSESSION_CHANGE_yields_reason_and_session(ulong wParam, string name)
    {
        Assert.Equal(new MessageDetail.SessionChange((uint)wParam, name, 3), WindowMessageDecoder.Decode(WM_WTSSESSION_CHANGE, wParam, 3, null));
    }

    [Fact]
    public void End_session_messages_yield_query_ending_and_reasons()
    {
        const long Logoff = unchecked((int)0x80000000);
        Assert.Equal(new MessageDetail.EndSession(true, false, 0x80000000), WindowMessageDecoder.Decode(WM_QUERYENDSESSION, 0, Logoff, null));
        Assert.Equal(new MessageDetail.EndSession(false, true, 0x1), WindowMessageDecoder.Decode(WM_ENDSESSION, 1, 0x1, null));
        Assert.Equal(new MessageDetail.EndSession(false, false, 0x40000000), WindowMessageDecoder.Decode(WM_ENDSESSION, 0, 0x40000000, null));
    }

    [Fact]
    public void Other_messages_have_no_detail()
    {
        Assert.Null(WindowMessageDecoder.Decode(0xC000, 1, 2, null));
        Assert.Null(WindowMessageDecoder.Decode(WM_COPYDATA, 0, 0, new WindowMessagePayload.CopyData(1, new byte[1])));
    }
}
