using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        // Call before DestroyWindow. Under Wine 8.0 a stub returning FALSE: not an error worth more than a log line.
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSUnRegisterSessionNotification", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool WTSUnRegisterSessionNotification(nint hWnd);
    }
}
