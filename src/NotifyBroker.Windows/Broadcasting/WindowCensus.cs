using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>
/// Counts the top-level windows of the broker's desktop a broadcast addresses (EnumWindows, less the broker's own
/// process under BSF_IGNORECURRENTTASK), just before the call. BroadcastSystemMessageExW does not say how many windows
/// it reached, so this census is what a successful broadcast reports as "delivered": the windows present when the
/// broadcast started. A window created or destroyed during the call, a full message queue, a UIPI refusal and, with
/// BSM_ALLDESKTOPS, the windows of other desktops are not reflected in it. The census also sizes the broker's bound on
/// the call (<see cref="BroadcastDeadline"/>).
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
