using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        // A message box in a session (what msg.exe uses). Lengths are in BYTES, no terminator. With bWait FALSE it
        // returns at once and *pResponse is IDASYNC; with a Timeout (seconds) that passes, IDTIMEOUT.
        // Under Wine 8.0 a stub: FALSE with the last error untouched.
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSSendMessageW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool WTSSendMessage(
            nint hServer,
            uint sessionId,
            string pTitle,
            uint titleLength,
            string pMessage,
            uint messageLength,
            uint style,
            uint timeout,
            uint* pResponse,
            [MarshalAs(UnmanagedType.Bool)] bool bWait);
    }
}
