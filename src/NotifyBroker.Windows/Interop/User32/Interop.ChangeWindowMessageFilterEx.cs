using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // UIPI: lets lower-integrity processes deliver `message` to this window (Windows 7+). A stub returning TRUE
        // under Wine, which has no integrity levels.
        [LibraryImport(Libraries.User32, EntryPoint = "ChangeWindowMessageFilterEx", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool ChangeWindowMessageFilterEx(nint hwnd, uint message, uint action, CHANGEFILTERSTRUCT* pChangeFilterStruct);

        internal const uint MSGFLT_RESET = 0;
        internal const uint MSGFLT_ALLOW = 1;
        internal const uint MSGFLT_DISALLOW = 2;

        [StructLayout(LayoutKind.Sequential)]
        internal struct CHANGEFILTERSTRUCT
        {
            internal uint cbSize;
            internal uint ExtStatus;
        }
    }
}
