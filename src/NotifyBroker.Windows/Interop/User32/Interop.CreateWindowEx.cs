using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "CreateWindowExW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
        internal static partial nint CreateWindowEx(
            uint dwExStyle,
            string lpClassName,
            string? lpWindowName,
            uint dwStyle,
            int x,
            int y,
            int nWidth,
            int nHeight,
            nint hWndParent,
            nint hMenu,
            nint hInstance,
            nint lpParam);

        internal const uint WS_POPUP = 0x80000000;

        /// <summary>Keeps the (never shown) window out of Alt-Tab and the taskbar.</summary>
        internal const uint WS_EX_TOOLWINDOW = 0x00000080;

        /// <summary>Parent of message-only windows. Never used for the listener: those windows get no broadcasts.</summary>
        internal const nint HWND_MESSAGE = -3;

        internal const nint HWND_BROADCAST = 0xFFFF;
    }
}
