using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "GetWindowThreadProcessId")]
        internal static unsafe partial uint GetWindowThreadProcessId(nint hWnd, uint* lpdwProcessId);
    }
}
