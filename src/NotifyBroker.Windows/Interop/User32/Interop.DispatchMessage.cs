using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "DispatchMessageW")]
        internal static unsafe partial nint DispatchMessage(MSG* lpMsg);
    }
}
