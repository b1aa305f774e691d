using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Netapi32
    {
        [LibraryImport(Libraries.Netapi32, EntryPoint = "NetApiBufferFree")]
        internal static unsafe partial uint NetApiBufferFree(void* buffer);
    }
}
