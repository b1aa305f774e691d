using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        // NULL: the executable's module handle (the hInstance a window class is registered under).
        [LibraryImport(Libraries.Kernel32, EntryPoint = "GetModuleHandleW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
        internal static partial nint GetModuleHandle(string? lpModuleName);
    }
}
