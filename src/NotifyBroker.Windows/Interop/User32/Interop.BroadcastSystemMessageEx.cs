using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // BroadcastSystemMessageExW: > 0 success, 0 denied under BSF_QUERY (or ERROR_INVALID_PARAMETER), -1 failure.
        // lpInfo is in/out (BSM_* recipients); NULL means BSM_ALLCOMPONENTS.
        [LibraryImport(Libraries.User32, EntryPoint = "BroadcastSystemMessageExW", SetLastError = true)]
        internal static unsafe partial int BroadcastSystemMessageEx(
            uint flags, uint* lpInfo, uint msg, nuint wParam, nint lParam, BSMINFO* pbsmInfo);

        internal const uint BSF_QUERY = 0x00000001;
        internal const uint BSF_IGNORECURRENTTASK = 0x00000002;
        internal const uint BSF_FLUSHDISK = 0x00000004;
        internal const uint BSF_NOHANG = 0x00000008;
        internal const uint BSF_POSTMESSAGE = 0x00000010;
        internal const uint BSF_FORCEIFHUNG = 0x00000020;
        internal const uint BSF_NOTIMEOUTIFNOTHUNG = 0x00000040;
        internal const uint BSF_ALLOWSFW = 0x00000080;
        internal const uint BSF_SENDNOTIFYMESSAGE = 0x00000100;
        internal const uint BSF_RETURNHDESK = 0x00000200;
        internal const uint BSF_LUID = 0x00000400;

        /// <summary>Every documented BSF_* bit; anything outside gets ERROR_INVALID_PARAMETER.</summary>
        internal const uint BSF_VALID_MASK = 0x000007FF;

        internal const uint BSM_ALLCOMPONENTS = 0x00000000;
        internal const uint BSM_VXDS = 0x00000001;
        internal const uint BSM_NETDRIVER = 0x00000002;
        internal const uint BSM_INSTALLABLEDRIVERS = 0x00000004;
        internal const uint BSM_APPLICATIONS = 0x00000008;
        internal const uint BSM_ALLDESKTOPS = 0x00000010;

        /// <summary>What a recipient returns to veto a BSF_QUERY broadcast ("BMQD").</summary>
        internal const int BROADCAST_QUERY_DENY = 0x424D5144;

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
