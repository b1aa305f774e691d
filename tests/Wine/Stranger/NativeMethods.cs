using System.Runtime.InteropServices;

namespace Stranger;

/// <summary>The user32/kernel32 calls a hostile local program makes. Deliberately separate from the broker's Interop.</summary>
internal static unsafe partial class NativeMethods
{
    public const uint SMTO_ABORTIFHUNG = 0x2;
    public const uint THREAD_TERMINATE = 0x0001;

    [LibraryImport("user32.dll", EntryPoint = "FindWindowW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    public static partial nint FindWindow(string? className, string? windowName);

    [LibraryImport("user32.dll", EntryPoint = "GetWindowThreadProcessId")]
    public static partial uint GetWindowThreadProcessId(nint hwnd, uint* processId);

    [LibraryImport("user32.dll", EntryPoint = "PostMessageW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool PostMessage(nint hwnd, uint msg, nuint wParam, nint lParam);

    [LibraryImport("user32.dll", EntryPoint = "PostThreadMessageW", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool PostThreadMessage(uint threadId, uint msg, nuint wParam, nint lParam);

    [LibraryImport("user32.dll", EntryPoint = "SendMessageTimeoutW", SetLastError = true)]
    public static partial nint SendMessageTimeout(nint hwnd, uint msg, nuint wParam, nint lParam, uint flags, uint timeoutMs, nuint* result);

    [LibraryImport("user32.dll", EntryPoint = "GetClipboardFormatNameW")]
    public static partial int GetClipboardFormatName(uint format, char* name, int capacity);

    [LibraryImport("kernel32.dll", EntryPoint = "GlobalGetAtomNameW")]
    public static partial uint GlobalGetAtomName(ushort atom, char* buffer, int capacity);

    [LibraryImport("kernel32.dll", EntryPoint = "OpenThread", SetLastError = true)]
    public static partial nint OpenThread(uint access, [MarshalAs(UnmanagedType.Bool)] bool inherit, uint threadId);

    [LibraryImport("kernel32.dll", EntryPoint = "TerminateThread", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool TerminateThread(nint thread, uint exitCode);

    [LibraryImport("kernel32.dll", EntryPoint = "CloseHandle")]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool CloseHandle(nint handle);
}
