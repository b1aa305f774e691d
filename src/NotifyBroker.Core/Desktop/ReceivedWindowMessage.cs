namespace NotifyBroker.Core.Desktop;

/// <summary>A message the broker's listener window received, with its pointer data already copied.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="WParam">wParam.</param>
/// <param name="LParam">lParam (meaningless as a number when <paramref name="Payload"/> is set).</param>
/// <param name="Payload">By-value data of a pointer-carrying message.</param>
/// <param name="FromBroadcastRpc">True when this broker's own Broadcast RPC sent it.</param>
/// <param name="BroadcastFlags">The BSF_* flags, where known (our own broadcasts).</param>
/// <param name="ReceivedAt">When the window procedure ran.</param>
/// <param name="Correlation">
/// An opaque value the desktop carries from <see cref="IDesktop.BroadcastAsync"/> to the listener for the broker's own
/// broadcasts (e.g. the trace context), or null.
/// </param>
public readonly record struct ReceivedWindowMessage(
    uint MessageId,
    ulong WParam,
    long LParam,
    WindowMessagePayload? Payload,
    bool FromBroadcastRpc,
    uint BroadcastFlags,
    DateTimeOffset ReceivedAt,
    object? Correlation);
