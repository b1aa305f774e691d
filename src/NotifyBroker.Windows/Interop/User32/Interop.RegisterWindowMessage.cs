using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class User32
    {
        // Returns an id in 0xC000-0xFFFF (the core's WindowMessages.RegisteredFirst..RegisteredLast), the same for the
        // same (case-insensitive) name in every process of the session; 0 on failure.
        [LibraryImport(Libraries.User32, EntryPoint = "RegisterWindowMessageW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
        internal static partial uint RegisterWindowMessage(string lpString);
    }
}
