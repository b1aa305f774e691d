namespace NotifyBroker.Windows.Listener;

/// <summary>What the listener window needs from the desktop's options, resolved.</summary>
/// <param name="AllowedMessageIds">Registered messages lower-integrity senders may deliver (UIPI), besides WM_COPYDATA.</param>
/// <param name="MaxCopyDataBytes">Larger WM_COPYDATA payloads are refused (the sender sees FALSE).</param>
/// <param name="RegisterSessionNotifications">Whether to ask for WM_WTSSESSION_CHANGE.</param>
/// <param name="Time">Clock for ReceivedAt.</param>
/// <param name="SessionEnding">The host's stop, run before WM_ENDSESSION(TRUE) returns; may be null.</param>
/// <param name="SessionEndGrace">How long WM_ENDSESSION(TRUE) is held at most.</param>
internal sealed record ListenerSettings(
    IReadOnlyCollection<uint> AllowedMessageIds,
    int MaxCopyDataBytes,
    bool RegisterSessionNotifications,
    TimeProvider Time,
    Func<Task>? SessionEnding,
    TimeSpan SessionEndGrace);
