using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        // A handle to a thread, signalled when the thread ends however it ends (TerminateThread included); 0 on
        // failure. Closed by the SafeWaitHandle that owns it.
        [LibraryImport(Libraries.Kernel32, EntryPoint = "OpenThread", SetLastError = true)]
        internal static partial nint OpenThread(uint dwDesiredAccess, [MarshalAs(UnmanagedType.Bool)] bool bInheritHandle, uint dwThreadId);

        internal const uint SYNCHRONIZE = 0x00100000;
    }
}
