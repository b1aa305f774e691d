using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class WtsApi32
    {
        [LibraryImport(Libraries.Wtsapi32, EntryPoint = "WTSFreeMemory")]
        internal static unsafe partial void WTSFreeMemory(void* pMemory);
    }
}
