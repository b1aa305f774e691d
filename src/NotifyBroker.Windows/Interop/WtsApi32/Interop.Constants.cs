internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        internal const nint WTS_CURRENT_SERVER_HANDLE = 0;
        internal const uint WTS_CURRENT_SESSION = 0xFFFFFFFF;

        internal const uint NOTIFY_FOR_THIS_SESSION = 0;
        internal const uint NOTIFY_FOR_ALL_SESSIONS = 1;

        // WM_WTSSESSION_CHANGE wParam.
        internal const uint WTS_CONSOLE_CONNECT = 1;
        internal const uint WTS_CONSOLE_DISCONNECT = 2;
        internal const uint WTS_REMOTE_CONNECT = 3;
        internal const uint WTS_REMOTE_DISCONNECT = 4;
        internal const uint WTS_SESSION_LOGON = 5;
        internal const uint WTS_SESSION_LOGOFF = 6;
        internal const uint WTS_SESSION_LOCK = 7;
        internal const uint WTS_SESSION_UNLOCK = 8;
        internal const uint WTS_SESSION_REMOTE_CONTROL = 9;

        // WTSSendMessage responses beyond MessageBox's IDOK (1) .. IDCONTINUE (11).
        internal const uint IDOK = 1;
        internal const uint IDTIMEOUT = 32000;
        internal const uint IDASYNC = 32001;
    }
}
