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
        >= Interop.User32.RegisteredMessageFirst and <= Interop.User32.RegisteredMessageLast => true,
        Interop.User32.WM_COPYDATA => true,
        Interop.User32.WM_QUERYENDSESSION or Interop.User32.WM_ENDSESSION => true,
        Interop.User32.WM_SETTINGCHANGE or Interop.User32.WM_DEVMODECHANGE => true,
        Interop.User32.WM_SYSCOLORCHANGE or Interop.User32.WM_FONTCHANGE or Interop.User32.WM_TIMECHANGE => true,
        Interop.User32.WM_COMPACTING or Interop.User32.WM_INPUTLANGCHANGE or Interop.User32.WM_USERCHANGED => true,
        Interop.User32.WM_DISPLAYCHANGE or Interop.User32.WM_POWERBROADCAST or Interop.User32.WM_DEVICECHANGE => true,
        Interop.User32.WM_WTSSESSION_CHANGE or Interop.User32.WM_DPICHANGED or Interop.User32.WM_PALETTECHANGED => true,
        Interop.User32.WM_THEMECHANGED or Interop.User32.WM_DWMCOMPOSITIONCHANGED => true,
        _ => false,
    };

    /// <summary>
    /// The window procedure's answer for a forwarded message it accepted, or null to let DefWindowProc answer.
    /// TRUE grants what the message asks: a BSF_QUERY broadcast goes on (the listener never denies), WM_COPYDATA
    /// was taken, a session may end, a power or device change may go ahead.
    /// </summary>
    public static nint? AcceptedResult(uint messageId) => messageId switch
    {
        >= Interop.User32.RegisteredMessageFirst and <= Interop.User32.RegisteredMessageLast => 1,
        Interop.User32.WM_COPYDATA or Interop.User32.WM_QUERYENDSESSION => 1,
        Interop.User32.WM_POWERBROADCAST or Interop.User32.WM_DEVICECHANGE => 1,
        _ => null,
    };
}
