using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // > 0: a message; 0: WM_QUIT; -1: error (GetLastError).
        [LibraryImport(Libraries.User32, EntryPoint = "GetMessageW", SetLastError = true)]
        internal static unsafe partial int GetMessage(MSG* lpMsg, nint hWnd, uint wMsgFilterMin, uint wMsgFilterMax);

        /// <summary>MSG. x64: 48 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct MSG
        {
            internal nint hwnd;
            internal uint message;
            internal nuint wParam;
            internal nint lParam;
            internal uint time;
            internal POINT pt;
            internal uint lPrivate;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct POINT
        {
            internal int x;
            internal int y;
        }
    }
}
