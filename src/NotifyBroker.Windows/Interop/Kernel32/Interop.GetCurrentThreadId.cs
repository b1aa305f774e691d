using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [LibraryImport(Libraries.Kernel32, EntryPoint = "GetCurrentThreadId")]
        internal static partial uint GetCurrentThreadId();
    }
}
