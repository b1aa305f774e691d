using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Netapi32
    {
        // NET_API_STATUS: the status is returned, not set as the last error. buf is UTF-16LE text, buflen its length in
        // BYTES (no terminator needed). Windows Vista+ returns ERROR_NOT_SUPPORTED: the Messenger service is gone.
        // Under Wine this export is a stub that kills the process: never call it there.
        [LibraryImport(Libraries.Netapi32, EntryPoint = "NetMessageBufferSend", StringMarshalling = StringMarshalling.Utf16)]
        internal static unsafe partial uint NetMessageBufferSend(string? servername, string msgname, string? fromname, byte* buf, uint buflen);
    }
}
