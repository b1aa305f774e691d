using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // Enumerates the top-level windows of the current desktop: the windows a BSM_APPLICATIONS broadcast addresses.
        [LibraryImport(Libraries.User32, EntryPoint = "EnumWindows", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool EnumWindows(delegate* unmanaged<nint, nint, int> lpEnumFunc, nint lParam);
    }
}
