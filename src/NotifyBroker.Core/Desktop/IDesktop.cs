namespace NotifyBroker.Core.Desktop;

/// <summary>
/// The port through which the broker reaches a desktop: the in-memory desktop everywhere, the Win32 desktop on
/// Windows. Semantics are Win32's (RegisterWindowMessage, BroadcastSystemMessageEx, WTSSendMessage,
/// NetMessageBufferSend); failures are reported as <see cref="Errors.BrokerException"/> carrying the Win32/NERR code.
/// </summary>
public interface IDesktop : IAsyncDisposable
{
    /// <summary>The computer name this desktop runs on (the default <c>fromname</c> and the event's host).</summary>
    string HostName { get; }

    /// <summary>Which delivery paths beyond the broker's own aliases this desktop offers.</summary>
    DesktopCapabilities Capabilities { get; }

    /// <summary>
    /// RegisterWindowMessage: the id of a named message, in 0xC000-0xFFFF, stable for the desktop's lifetime,
    /// names matched case-insensitively.
    /// </summary>
    uint RegisterWindowMessage(string name);

    /// <summary>The name of a registered message id, or null when the id is not a registered message.</summary>
    string? GetRegisteredMessageName(uint messageId);

    /// <summary>
    /// BroadcastSystemMessageEx. Flags and recipients have already been validated by the core. The broker's own
    /// listener window is one of the recipients, so the broadcast comes back through the listener unless
    /// BSF_IGNORECURRENTTASK is set.
    /// </summary>
    ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Deliver a text message outside the broker (a user's session, or the Messenger service), for a Send whose
    /// alias no stream or registration of the broker holds. Throws BrokerException(NERR_NameNotFound) when the
    /// desktop knows no such recipient either.
    /// </summary>
    ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Create the broker's listener window and start handing every message it receives to <paramref name="sink"/>.
    /// Returns once the window exists. The sink is called on the desktop's own thread and must not block.
    /// </summary>
    ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken);

    /// <summary>Destroy the listener window; no sink calls happen after this completes.</summary>
    ValueTask StopListeningAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True while the listener window runs: from <see cref="StartListeningAsync"/> until <see cref="StopListeningAsync"/>,
    /// or until the listener is lost (<see cref="ListenerLost"/>). A desktop that cannot lose its listener may keep the
    /// default.
    /// </summary>
    bool IsListening => true;

    /// <summary>
    /// Raised once when the listener ends without <see cref="StopListeningAsync"/> having asked it to (its thread
    /// ended, its window was destroyed, its message loop failed). From then on the broker hears nothing from the
    /// desktop: <see cref="IsListening"/> is false and <see cref="BroadcastAsync"/> fails with NERR_MsgNotStarted
    /// until the listener is started again. Raised on whatever thread noticed the loss; handlers must not block.
    /// Subscribe before <see cref="StartListeningAsync"/>, or check <see cref="IsListening"/> after subscribing.
    /// </summary>
    event EventHandler<ListenerLostEventArgs>? ListenerLost
    {
        add { }
        remove { }
    }
}

/// <summary>Why a desktop's listener ended without being asked to.</summary>
public sealed class ListenerLostEventArgs : EventArgs
{
    public ListenerLostEventArgs(string reason, Exception? error = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Reason = reason;
        Error = error;
    }

    /// <summary>What ended it, for logs and for the UNAVAILABLE a Broadcast answers from then on.</summary>
    public string Reason { get; }

    /// <summary>The exception that ended the listener's thread, if one did.</summary>
    public Exception? Error { get; }
}

[Flags]
public enum DesktopCapabilities
{
    None = 0,
    /// <summary>NetMessageBufferSend works here (the Messenger service exists).</summary>
    Messenger = 1,
    /// <summary>WTSSendMessage to user sessions works here.</summary>
    Sessions = 2,
}

/// <summary>Receives what the broker's listener window receives.</summary>
public interface IWindowMessageSink
{
    /// <summary>
    /// Called for every message the listener receives. For a synchronous send the return value is the window
    /// procedure's result (the listener never denies a BSF_QUERY: it returns TRUE).
    /// </summary>
    void OnWindowMessage(in ReceivedWindowMessage message);
}
