using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Netapi32
    {
        // Never call under Wine (stub that kills the process).
        [LibraryImport(Libraries.Netapi32, EntryPoint = "NetMessageNameDel", StringMarshalling = StringMarshalling.Utf16)]
        internal static partial uint NetMessageNameDel(string? servername, string msgname);
    }
}
