using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // Returns the class atom, 0 on failure (ERROR_CLASS_ALREADY_EXISTS when this process registered it before).
        [LibraryImport(Libraries.User32, EntryPoint = "RegisterClassExW", SetLastError = true)]
        internal static unsafe partial ushort RegisterClassEx(WNDCLASSEXW* lpwcx);

        /// <summary>WNDCLASSEXW, blittable: the window procedure is a plain unmanaged function pointer. x64: 80 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct WNDCLASSEXW
        {
            internal uint cbSize;
            internal uint style;
            internal delegate* unmanaged<nint, uint, nuint, nint, nint> lpfnWndProc;
            internal int cbClsExtra;
            internal int cbWndExtra;
            internal nint hInstance;
            internal nint hIcon;
            internal nint hCursor;
            internal nint hbrBackground;
            internal char* lpszMenuName;
            internal char* lpszClassName;
            internal nint hIconSm;
        }
    }
}
