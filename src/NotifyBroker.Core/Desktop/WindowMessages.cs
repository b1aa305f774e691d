namespace NotifyBroker.Core.Desktop;

/// <summary>The window message ids and values the broker deals with (winuser.h, dbt.h).</summary>
public static class WindowMessages
{
    public const uint WM_NULL = 0x0000;
    public const uint WM_CREATE = 0x0001;
    public const uint WM_SETTEXT = 0x000C;
    public const uint WM_GETTEXT = 0x000D;
    public const uint WM_QUERYENDSESSION = 0x0011;
    public const uint WM_ENDSESSION = 0x0016;
    public const uint WM_SETTINGCHANGE = 0x001A;
    public const uint WM_DEVMODECHANGE = 0x001B;
    public const uint WM_GETMINMAXINFO = 0x0024;
    public const uint WM_WINDOWPOSCHANGING = 0x0046;
    public const uint WM_WINDOWPOSCHANGED = 0x0047;
    public const uint WM_COPYDATA = 0x004A;
    public const uint WM_NCCREATE = 0x0081;
    public const uint WM_NCCALCSIZE = 0x0083;
    public const uint WM_POWERBROADCAST = 0x0218;
    public const uint WM_DEVICECHANGE = 0x0219;
    public const uint WM_WTSSESSION_CHANGE = 0x02B1;
    public const uint WM_USER = 0x0400;
    public const uint WM_APP = 0x8000;

    /// <summary>The first id RegisterWindowMessage hands out.</summary>
    public const uint RegisteredFirst = 0xC000;

    /// <summary>The last id RegisterWindowMessage hands out; ids above it are reserved.</summary>
    public const uint RegisteredLast = 0xFFFF;

    /// <summary>Registered message names are atoms, limited to 255 characters.</summary>
    public const int MaxRegisteredNameLength = 255;

    /// <summary>What a window procedure returns to veto a BSF_QUERY broadcast ("BMQD").</summary>
    public const nint BROADCAST_QUERY_DENY = 0x424D5144;

    /// <summary>True for ids in the registered (string) message range.</summary>
    public static bool IsRegisteredRange(uint messageId) => messageId is >= RegisteredFirst and <= RegisteredLast;
}
