internal static partial class Interop
{
    internal static partial class User32
    {
        internal const uint WM_NULL = 0x0000;
        internal const uint WM_CREATE = 0x0001;
        internal const uint WM_DESTROY = 0x0002;
        internal const uint WM_CLOSE = 0x0010;
        internal const uint WM_QUERYENDSESSION = 0x0011;
        internal const uint WM_QUIT = 0x0012;
        internal const uint WM_SYSCOLORCHANGE = 0x0015;
        internal const uint WM_ENDSESSION = 0x0016;
        internal const uint WM_SETTINGCHANGE = 0x001A;
        internal const uint WM_DEVMODECHANGE = 0x001B;
        internal const uint WM_FONTCHANGE = 0x001D;
        internal const uint WM_TIMECHANGE = 0x001E;
        internal const uint WM_COMPACTING = 0x0041;
        internal const uint WM_COPYDATA = 0x004A;
        internal const uint WM_NCDESTROY = 0x0082;
        internal const uint WM_INPUTLANGCHANGE = 0x0051;
        internal const uint WM_USERCHANGED = 0x0054;
        internal const uint WM_DISPLAYCHANGE = 0x007E;
        internal const uint WM_POWERBROADCAST = 0x0218;
        internal const uint WM_DEVICECHANGE = 0x0219;
        internal const uint WM_WTSSESSION_CHANGE = 0x02B1;
        internal const uint WM_DPICHANGED = 0x02E0;
        internal const uint WM_PALETTECHANGED = 0x0311;
        internal const uint WM_THEMECHANGED = 0x031A;
        internal const uint WM_DWMCOMPOSITIONCHANGED = 0x031E;
        internal const uint WM_USER = 0x0400;
        internal const uint WM_APP = 0x8000;

        internal const int ENDSESSION_CLOSEAPP = 0x1;
        internal const int ENDSESSION_CRITICAL = 0x40000000;
        internal const int ENDSESSION_LOGOFF = unchecked((int)0x80000000);
    }
}
