namespace NotifyBroker.Windows.Listener;

/// <summary>What the listener window needs from the desktop's options, resolved.</summary>
/// <param name="AllowedMessageIds">Registered messages lower-integrity senders may deliver (UIPI), besides WM_COPYDATA.</param>
/// <param name="MaxCopyDataBytes">Larger WM_COPYDATA payloads are refused (the sender sees FALSE).</param>
/// <param name="RegisterSessionNotifications">Whether to ask for WM_WTSSESSION_CHANGE.</param>
/// <param name="Time">Clock for ReceivedAt.</param>
internal sealed record ListenerSettings(
    IReadOnlyCollection<uint> AllowedMessageIds,
    int MaxCopyDataBytes,
    bool RegisterSessionNotifications,
    TimeProvider Time);
