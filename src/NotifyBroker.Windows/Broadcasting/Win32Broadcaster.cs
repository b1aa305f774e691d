using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>Makes one BroadcastSystemMessageExW call: payload in unmanaged memory, own-broadcast bookkeeping, mapping.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe class Win32Broadcaster
{
    /// <summary>
    /// Blocks for as long as the system does (a synchronous send waits on each recipient): run it on a dedicated
    /// thread, never on the caller's or the thread pool's.
    /// </summary>
    /// <param name="command">The broadcast.</param>
    /// <param name="plan">Its dwFlags.</param>
    /// <param name="pending">Where the listener looks for the broker's own broadcasts.</param>
    /// <param name="addressed">The windows <see cref="WindowCensus"/> counted just before: what a success reports as delivered.</param>
    public static BroadcastOutcome Broadcast(BroadcastCommand command, BroadcastPlan plan, PendingBroadcasts pending, int addressed)
    {
        using UnmanagedPayload? payload = command.Payload is null ? null : UnmanagedPayload.Create(command.Payload);
        nint lParam = payload?.LParam ?? (nint)command.LParam;

        // The listener recognises the broker's own broadcast by (message, wParam, lParam) while it is in flight.
        // With BSF_IGNORECURRENTTASK it never arrives, so there is nothing to recognise.
        using PendingBroadcasts.Registration? ownBroadcast = (plan.Flags & BroadcastFlags.BSF_IGNORECURRENTTASK) != 0
            ? null
            : pending.Register(command.MessageId, command.WParam, lParam, command.Flags, command.Correlation, deliveredAfterReturn: !plan.IsSynchronous);

        uint recipients = command.Recipients;
        var info = new Interop.User32.BSMINFO { cbSize = (uint)sizeof(Interop.User32.BSMINFO) };
        int result = Interop.User32.BroadcastSystemMessageEx(plan.Flags, &recipients, command.MessageId, (nuint)command.WParam, lParam, &info);
        int lastError = Marshal.GetLastPInvokeError();

        var call = new BroadcastCallResult(result, lastError, recipients, (ulong)info.hwnd, (ulong)info.hdesk);
        return call.ToOutcome(plan.Flags, addressed, hwnd => WindowNames.Describe((nint)hwnd));
    }
}
