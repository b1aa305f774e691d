internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        internal const nint WTS_CURRENT_SERVER_HANDLE = 0;
        internal const uint WTS_CURRENT_SESSION = 0xFFFFFFFF;

        internal const uint NOTIFY_FOR_THIS_SESSION = 0;
        internal const uint NOTIFY_FOR_ALL_SESSIONS = 1;

        // WTSSendMessage responses beyond MessageBox's IDOK (1) .. IDCONTINUE (11).
        internal const uint IDOK = 1;
        internal const uint IDTIMEOUT = 32000;
        internal const uint IDASYNC = 32001;
    }
}
