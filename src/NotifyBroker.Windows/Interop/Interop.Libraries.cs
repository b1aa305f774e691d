internal static partial class Interop
{
    /// <summary>The DLLs the Win32 desktop binds to. Loaded lazily on first call, so the assembly loads anywhere.</summary>
    internal static class Libraries
    {
        internal const string User32 = "user32.dll";
        internal const string Kernel32 = "kernel32.dll";
        internal const string Netapi32 = "netapi32.dll";
        internal const string Wtsapi32 = "wtsapi32.dll";
        internal const string NtDll = "ntdll.dll";
    }
}
