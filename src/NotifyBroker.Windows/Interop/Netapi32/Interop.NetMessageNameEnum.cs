using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Netapi32
    {
        // Level 0 fills MSG_INFO_0[]; the buffer is freed with NetApiBufferFree. ERROR_MORE_DATA means page on with
        // resume_handle. Never call under Wine (stub that kills the process).
        [LibraryImport(Libraries.Netapi32, EntryPoint = "NetMessageNameEnum", StringMarshalling = StringMarshalling.Utf16)]
        internal static unsafe partial uint NetMessageNameEnum(
            string? servername,
            uint level,
            byte** bufptr,
            uint prefmaxlen,
            uint* entriesread,
            uint* totalentries,
            uint* resume_handle);

        internal const uint MAX_PREFERRED_LENGTH = 0xFFFFFFFF;

        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct MSG_INFO_0
        {
            internal char* msgi0_name;
        }
    }
}
