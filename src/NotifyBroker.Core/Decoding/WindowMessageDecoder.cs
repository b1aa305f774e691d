using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Events;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Decoding;

/// <summary>Reads the details of well-known system messages out of their wParam, lParam and payload.</summary>
public static class WindowMessageDecoder
{
    /// <summary>The decoded detail of <paramref name="messageId"/>, or null when it is not a message the broker decodes.</summary>
    public static MessageDetail? Decode(uint messageId, ulong wParam, long lParam, WindowMessagePayload? payload) => messageId switch
    {
        WM_SETTINGCHANGE => new MessageDetail.SettingChange(payload is WindowMessagePayload.Text text ? text.Value : ""),
        WM_DEVICECHANGE => new MessageDetail.DeviceChange(Low32(wParam), SystemMessageNames.NameOf(SystemMessageNames.DeviceEvents, Low32(wParam))),
        WM_POWERBROADCAST => new MessageDetail.PowerBroadcast(Low32(wParam), SystemMessageNames.NameOf(SystemMessageNames.PowerEvents, Low32(wParam))),
        WM_WTSSESSION_CHANGE => new MessageDetail.SessionChange(
            Low32(wParam), SystemMessageNames.NameOf(SystemMessageNames.SessionReasons, Low32(wParam)), unchecked((uint)lParam)),
        WM_QUERYENDSESSION => new MessageDetail.EndSession(Query: true, Ending: false, Reasons: unchecked((uint)lParam)),
        WM_ENDSESSION => new MessageDetail.EndSession(Query: false, Ending: wParam != 0, Reasons: unchecked((uint)lParam)),
        _ => null,
    };

    // These codes are DWORD-sized; wParam is pointer-sized only for the sake of the calling convention.
    private static uint Low32(ulong value) => unchecked((uint)value);
}
