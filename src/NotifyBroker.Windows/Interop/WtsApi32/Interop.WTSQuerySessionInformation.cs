using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        // For WTSUserName the buffer is a NUL-terminated LPWSTR; freed with WTSFreeMemory.
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSQuerySessionInformationW", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool WTSQuerySessionInformation(
            nint hServer, uint sessionId, WTS_INFO_CLASS wtsInfoClass, char** ppBuffer, uint* pBytesReturned);

        internal enum WTS_INFO_CLASS
        {
            WTSUserName = 5,
        }
    }
}
