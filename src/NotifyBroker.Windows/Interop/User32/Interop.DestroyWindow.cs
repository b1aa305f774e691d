using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // Only the thread that created the window may destroy it.
        [LibraryImport(Libraries.User32, EntryPoint = "DestroyWindow", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool DestroyWindow(nint hWnd);
    }
}
