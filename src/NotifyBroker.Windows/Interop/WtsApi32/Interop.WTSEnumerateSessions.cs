using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        // The array is freed with WTSFreeMemory. Under Wine 8.0: TRUE with a count of 0.
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSEnumerateSessionsW", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool WTSEnumerateSessions(
            nint hServer, uint reserved, uint version, WTS_SESSION_INFOW** ppSessionInfo, uint* pCount);

        /// <summary>WTS_SESSION_INFOW. x64 layout: SessionId @0, pWinStationName @8, State @16; 24 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct WTS_SESSION_INFOW
        {
            internal uint SessionId;
            internal char* pWinStationName;
            internal WTS_CONNECTSTATE_CLASS State;
        }

        internal enum WTS_CONNECTSTATE_CLASS
        {
            WTSActive = 0,
            WTSConnected = 1,
            WTSConnectQuery = 2,
            WTSShadow = 3,
            WTSDisconnected = 4,
            WTSIdle = 5,
            WTSListen = 6,
            WTSReset = 7,
            WTSDown = 8,
            WTSInit = 9,
        }
    }
}
