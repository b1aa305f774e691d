using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>
/// Counts the top-level windows a broadcast addresses. The system does not say how many windows a broadcast
/// reached, so this snapshot (taken just before the call) is what the desktop reports as "delivered".
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe class WindowCensus
{
    public static int CountAddressed(uint flags, uint recipients)
    {
        // The Win9x driver recipients alone address no window on NT.
        if (!BroadcastRecipients.ReachesWindows(recipients))
        {
            return 0;
        }

        var census = new Census
        {
            ExcludedProcessId = (flags & BroadcastFlags.BSF_IGNORECURRENTTASK) != 0 ? (uint)Environment.ProcessId : 0,
        };
        return Interop.User32.EnumWindows(&CountWindow, (nint)(&census)) ? census.Count : 0;
    }

    [UnmanagedCallersOnly]
    private static int CountWindow(nint hwnd, nint lParam)
    {
        var census = (Census*)lParam;
        if (census->ExcludedProcessId != 0)
        {
            uint processId;
            Interop.User32.GetWindowThreadProcessId(hwnd, &processId);
            if (processId == census->ExcludedProcessId)
            {
                return 1;
            }
        }

        census->Count++;
        return 1;
    }

    private struct Census
    {
        public uint ExcludedProcessId;
        public int Count;
    }
}
