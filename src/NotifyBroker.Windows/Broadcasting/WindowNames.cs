using System.Runtime.Versioning;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>A readable name for a window another program owns: its title, else its class name.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe class WindowNames
{
    private const int MaxChars = 256;

    public static string Describe(nint hwnd)
    {
        char* buffer = stackalloc char[MaxChars];
        int length = Interop.User32.GetWindowText(hwnd, buffer, MaxChars);
        if (length > 0)
        {
            return new string(buffer, 0, length);
        }

        length = Interop.User32.GetClassName(hwnd, buffer, MaxChars);
        return length > 0 ? new string(buffer, 0, length) : string.Empty;
    }
}
