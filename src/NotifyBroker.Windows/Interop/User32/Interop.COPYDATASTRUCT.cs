using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        /// <summary>WM_COPYDATA's lParam. x64 layout: dwData @0, cbData @8, lpData @16; 24 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct COPYDATASTRUCT
        {
            internal nuint dwData;
            internal uint cbData;
            internal void* lpData;
        }
    }
}
