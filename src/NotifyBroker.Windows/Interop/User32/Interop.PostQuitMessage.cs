using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        [LibraryImport(Libraries.User32, EntryPoint = "PostQuitMessage")]
        internal static partial void PostQuitMessage(int nExitCode);
    }
}
