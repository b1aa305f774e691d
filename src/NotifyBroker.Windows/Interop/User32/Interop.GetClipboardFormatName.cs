using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // Registered window messages and clipboard formats share one atom table, so this is the inverse of
        // RegisterWindowMessageW. Returns the number of chars copied, 0 when the id names nothing.
        [LibraryImport(Libraries.User32, EntryPoint = "GetClipboardFormatNameW", SetLastError = true)]
        internal static unsafe partial int GetClipboardFormatName(uint format, char* lpszFormatName, int cchMaxCount);
    }
}
