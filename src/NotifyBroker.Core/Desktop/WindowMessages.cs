namespace NotifyBroker.Core.Desktop;

/// <summary>
/// The window message ids and values the broker deals with (winuser.h, dbt.h): the one definition of each, for the
/// core, the Win32 desktop, the CLI and the tests. Every <c>WM_*</c> constant here is also a name that
/// <see cref="Policy.MessageNames"/> knows; when two share a value (WM_WININICHANGE), the one declared first is shown.
/// </summary>
public static class WindowMessages
{
    public const uint WM_NULL = 0x0000;
    public const uint WM_CREATE = 0x0001;
    public const uint WM_DESTROY = 0x0002;
    public const uint WM_SETTEXT = 0x000C;
    public const uint WM_GETTEXT = 0x000D;
    public const uint WM_CLOSE = 0x0010;
    public const uint WM_QUERYENDSESSION = 0x0011;
    public const uint WM_QUIT = 0x0012;
    public const uint WM_SYSCOLORCHANGE = 0x0015;
    public const uint WM_ENDSESSION = 0x0016;
    public const uint WM_SETTINGCHANGE = 0x001A;

    /// <summary>The older name of <see cref="WM_SETTINGCHANGE"/>: accepted, never shown.</summary>
    public const uint WM_WININICHANGE = WM_SETTINGCHANGE;

    public const uint WM_DEVMODECHANGE = 0x001B;
    public const uint WM_FONTCHANGE = 0x001D;
    public const uint WM_TIMECHANGE = 0x001E;
    public const uint WM_GETMINMAXINFO = 0x0024;
    public const uint WM_SPOOLERSTATUS = 0x002A;
    public const uint WM_COMPACTING = 0x0041;
    public const uint WM_WINDOWPOSCHANGING = 0x0046;
    public const uint WM_WINDOWPOSCHANGED = 0x0047;
    public const uint WM_COPYDATA = 0x004A;
    public const uint WM_NOTIFY = 0x004E;
    public const uint WM_INPUTLANGCHANGEREQUEST = 0x0050;
    public const uint WM_INPUTLANGCHANGE = 0x0051;
    public const uint WM_USERCHANGED = 0x0054;
    public const uint WM_DISPLAYCHANGE = 0x007E;
    public const uint WM_NCCREATE = 0x0081;
    public const uint WM_NCDESTROY = 0x0082;
    public const uint WM_NCCALCSIZE = 0x0083;
    public const uint WM_SYSCOMMAND = 0x0112;
    public const uint WM_POWERBROADCAST = 0x0218;
    public const uint WM_DEVICECHANGE = 0x0219;
    public const uint WM_WTSSESSION_CHANGE = 0x02B1;
    public const uint WM_DPICHANGED = 0x02E0;
    public const uint WM_PALETTECHANGED = 0x0311;
    public const uint WM_THEMECHANGED = 0x031A;
    public const uint WM_DWMCOMPOSITIONCHANGED = 0x031E;

    /// <summary>The first id private to a window class (WM_USER+n, up to WM_APP-1).</summary>
    public const uint WM_USER = 0x0400;

    /// <summary>The first id private to an application (WM_APP+n, up to <see cref="RegisteredFirst"/>-1).</summary>
    public const uint WM_APP = 0x8000;

    /// <summary>The first id RegisterWindowMessage hands out.</summary>
    public const uint RegisteredFirst = 0xC000;

    /// <summary>The last id RegisterWindowMessage hands out; ids above it are reserved.</summary>
    public const uint RegisteredLast = 0xFFFF;

    /// <summary>Registered message names are atoms, limited to 255 characters.</summary>
    public const int MaxRegisteredNameLength = 255;

    /// <summary>What a window procedure returns to veto a BSF_QUERY broadcast ("BMQD").</summary>
    public const nint BROADCAST_QUERY_DENY = 0x424D5144;

    // WM_QUERYENDSESSION / WM_ENDSESSION lParam bits (MessageDetail.EndSession.Reasons).
    public const uint ENDSESSION_CLOSEAPP = 0x00000001;
    public const uint ENDSESSION_CRITICAL = 0x40000000;
    public const uint ENDSESSION_LOGOFF = 0x80000000;

    /// <summary>True for ids in the registered (string) message range.</summary>
    public static bool IsRegisteredRange(uint messageId) => messageId is >= RegisteredFirst and <= RegisteredLast;
}
