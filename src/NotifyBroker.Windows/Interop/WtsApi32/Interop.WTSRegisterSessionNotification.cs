using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        // Subscribes hWnd to WM_WTSSESSION_CHANGE. May fail early at boot (RPC_S_INVALID_BINDING); a no-op stub
        // returning TRUE under Wine.
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSRegisterSessionNotification", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool WTSRegisterSessionNotification(nint hWnd, uint dwFlags);
    }
}
