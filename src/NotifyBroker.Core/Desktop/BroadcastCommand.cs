namespace NotifyBroker.Core.Desktop;

/// <summary>The arguments of BroadcastSystemMessageEx, already validated.</summary>
/// <param name="Flags">BSF_* bits. Always carries an explicit delivery mode (see <see cref="BroadcastFlags"/>).</param>
/// <param name="Recipients">BSM_* bits (*lpInfo on input).</param>
/// <param name="MessageId">Msg.</param>
/// <param name="WParam">wParam.</param>
/// <param name="LParam">lParam when it is an integer; ignored when <paramref name="Payload"/> is set.</param>
/// <param name="Payload">The by-value data of a pointer-carrying message, or null.</param>
/// <param name="Timeout">
/// The per-window wait of a synchronous send: positive, and at most 60 s (the core refuses more). The in-memory desktop waits
/// this long for each window, as SendMessageTimeout's uTimeout does. BroadcastSystemMessageEx takes no timeout, so the
/// Win32 desktop bounds the whole call instead: this times the windows it addresses (at least one), the total
/// SendMessageTimeout documents for HWND_BROADCAST; past it the call fails with ERROR_TIMEOUT and finishes behind its
/// caller. Either desktop also stops waiting when the call's cancellation token (its deadline) fires.
/// </param>
public sealed record BroadcastCommand(
    uint Flags,
    uint Recipients,
    uint MessageId,
    ulong WParam,
    long LParam,
    WindowMessagePayload? Payload,
    TimeSpan Timeout)
{
    /// <summary>
    /// An opaque value the desktop hands back, untouched, as <see cref="ReceivedWindowMessage.Correlation"/> when the
    /// broker's own listener receives this broadcast (the core puts the broadcasting call's trace context here). A
    /// desktop that cannot carry it leaves the received message's correlation null.
    /// </summary>
    public object? Correlation { get; init; }
}

/// <summary>What BroadcastSystemMessageEx returned.</summary>
/// <param name="Result">Positive on success, 0 when denied (or a BSF_NOHANG recipient hung).</param>
/// <param name="Recipients">*lpInfo on return.</param>
/// <param name="Delivered">
/// How many windows the message reached, as far as the desktop can know. The in-memory desktop counts exactly: the
/// windows that processed it (a synchronous send, up to and including a denier) or had it queued (posted or
/// send-notified). BroadcastSystemMessageEx does not say, so the Win32 desktop reports, on success, the top-level
/// windows of its desktop present when the broadcast started (a census taken just before the call), and 0 when the
/// broadcast was denied or stopped by a hung recipient.
/// </param>
/// <param name="DeniedBy">Under BSF_QUERY, the window that returned BROADCAST_QUERY_DENY, where known.</param>
public sealed record BroadcastOutcome(int Result, uint Recipients, int Delivered, WindowIdentity? DeniedBy);

/// <summary>A window as the desktop names it: handles and a readable name (title or class).</summary>
public sealed record WindowIdentity(ulong Hwnd, ulong Hdesk, string Name);
