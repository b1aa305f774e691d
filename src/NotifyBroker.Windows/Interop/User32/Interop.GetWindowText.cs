using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "GetWindowTextW", SetLastError = true)]
        internal static unsafe partial int GetWindowText(nint hWnd, char* lpString, int nMaxCount);
    }
}
