using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // BroadcastSystemMessageExW: > 0 success, 0 denied under BSF_QUERY (or ERROR_INVALID_PARAMETER), -1 failure.
        // lpInfo is in/out (BSM_* recipients); NULL means BSM_ALLCOMPONENTS. The BSF_*, BSM_* and WM_* values, and
        // BROADCAST_QUERY_DENY, are the core's (NotifyBroker.Core.Desktop): one definition for every desktop.
        [LibraryImport(Libraries.User32, EntryPoint = "BroadcastSystemMessageExW", SetLastError = true)]
        internal static unsafe partial int BroadcastSystemMessageEx(
            uint flags, uint* lpInfo, uint msg, nuint wParam, nint lParam, BSMINFO* pbsmInfo);

        /// <summary>BSMINFO (XP+): the denier of a BSF_QUERY broadcast. x64: 32 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct BSMINFO
        {
            internal uint cbSize;
            internal nint hdesk;
            internal nint hwnd;
            internal LUID luid;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct LUID
        {
            internal uint LowPart;
            internal int HighPart;
        }
    }
}
