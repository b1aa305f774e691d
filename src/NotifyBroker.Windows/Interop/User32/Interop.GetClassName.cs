using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "GetClassNameW", SetLastError = true)]
        internal static unsafe partial int GetClassName(nint hWnd, char* lpClassName, int nMaxCount);
    }
}
