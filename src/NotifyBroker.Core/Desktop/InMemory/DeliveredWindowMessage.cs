namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>How a message reached a simulated window.</summary>
public enum DeliveryMode
{
    /// <summary>SendMessageTimeout: the sender waited for the window procedure's result.</summary>
    Sent,
    /// <summary>SendNotifyMessage: the sender did not wait.</summary>
    Notified,
    /// <summary>PostMessage: queued for the window.</summary>
    Posted,
}

/// <summary>A message as a simulated window procedure sees it.</summary>
/// <param name="MessageId">Msg.</param>
/// <param name="WParam">wParam.</param>
/// <param name="LParam">lParam (meaningless as a number when <paramref name="Payload"/> is set).</param>
/// <param name="Payload">The by-value data of a pointer-carrying message.</param>
/// <param name="Mode">How it was delivered.</param>
/// <param name="SenderProcessId">The process that broadcast it.</param>
public sealed record DeliveredWindowMessage(
    uint MessageId,
    ulong WParam,
    long LParam,
    WindowMessagePayload? Payload,
    DeliveryMode Mode,
    int SenderProcessId);

/// <summary>
/// A simulated window procedure. Its result matters for a synchronous send only: BROADCAST_QUERY_DENY vetoes a
/// BSF_QUERY broadcast.
/// </summary>
public delegate nint SimulatedWindowProcedure(SimulatedWindow window, DeliveredWindowMessage message);
