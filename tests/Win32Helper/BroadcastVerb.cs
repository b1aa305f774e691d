using System.Runtime.InteropServices;

namespace Win32Helper;

/// <summary>A legacy program broadcasting a registered message to every application window.</summary>
internal static unsafe class BroadcastVerb
{
    public static int Run(string registeredName, ulong wParam, ulong lParam, uint flags)
    {
        uint message = NativeMethods.RegisterWindowMessage(registeredName);
        uint recipients = NativeMethods.BSM_APPLICATIONS;
        var info = new NativeMethods.BSMINFO { cbSize = (uint)sizeof(NativeMethods.BSMINFO) };
        int result = NativeMethods.BroadcastSystemMessageEx(flags, &recipients, message, (nuint)wParam, (nint)lParam, &info);
        int error = Marshal.GetLastPInvokeError();
        Console.WriteLine($"RESULT result={result} error={error} msg=0x{message:X4} recipients={recipients}");
        return result > 0 ? 0 : 1;
    }
}
