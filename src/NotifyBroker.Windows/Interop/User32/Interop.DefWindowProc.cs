using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "DefWindowProcW")]
        internal static partial nint DefWindowProc(nint hWnd, uint msg, nuint wParam, nint lParam);
    }
}
