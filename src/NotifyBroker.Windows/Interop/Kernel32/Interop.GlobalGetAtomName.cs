using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        // Wine implements RegisterWindowMessageW as GlobalAddAtomW, so under Wine (only) this names a registered
        // message. On Windows the global atom table is a different table: never use it there.
        [LibraryImport(Libraries.Kernel32, EntryPoint = "GlobalGetAtomNameW", SetLastError = true)]
        internal static unsafe partial uint GlobalGetAtomName(ushort nAtom, char* lpBuffer, int nSize);
    }
}
