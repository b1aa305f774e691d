using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Windows.Listener;

/// <summary>
/// Which messages the listener window hands to the broker, and what its window procedure answers for them. Window
/// management traffic (WM_CREATE, WM_NCCALCSIZE...) stays with DefWindowProc.
/// </summary>
internal static class ListenedMessages
{
    /// <summary>True for registered messages, WM_COPYDATA and the system broadcasts worth streaming.</summary>
    public static bool IsForwarded(uint messageId) => messageId switch
    {
        >= RegisteredFirst and <= RegisteredLast => true,
        WM_COPYDATA => true,
        WM_QUERYENDSESSION or WM_ENDSESSION => true,
        WM_SETTINGCHANGE or WM_DEVMODECHANGE => true,
        WM_SYSCOLORCHANGE or WM_FONTCHANGE or WM_TIMECHANGE => true,
        WM_COMPACTING or WM_INPUTLANGCHANGE or WM_USERCHANGED => true,
        WM_DISPLAYCHANGE or WM_POWERBROADCAST or WM_DEVICECHANGE => true,
        WM_WTSSESSION_CHANGE or WM_DPICHANGED or WM_PALETTECHANGED => true,
        WM_THEMECHANGED or WM_DWMCOMPOSITIONCHANGED => true,
        _ => false,
    };

    /// <summary>
    /// The window procedure's answer for a forwarded message it accepted, or null to let DefWindowProc answer.
    /// TRUE grants what the message asks: a BSF_QUERY broadcast goes on (the listener never denies), WM_COPYDATA
    /// was taken, a session may end, a power or device change may go ahead.
    /// </summary>
    public static nint? AcceptedResult(uint messageId) => messageId switch
    {
        >= RegisteredFirst and <= RegisteredLast => 1,
        WM_COPYDATA or WM_QUERYENDSESSION => 1,
        WM_POWERBROADCAST or WM_DEVICECHANGE => 1,
        _ => null,
    };
}
