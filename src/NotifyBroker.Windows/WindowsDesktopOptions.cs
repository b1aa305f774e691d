namespace NotifyBroker.Windows;

/// <summary>Settings of the Win32 desktop.</summary>
public sealed class WindowsDesktopOptions
{
    /// <summary>
    /// Registered window message names that lower-integrity programs may deliver to the listener window (UIPI's
    /// ChangeWindowMessageFilterEx). Every name the broker registers itself is allowed as well, as is WM_COPYDATA.
    /// </summary>
    public IList<string> AllowedMessageNames { get; } = new List<string>();

    /// <summary>The largest WM_COPYDATA payload the listener takes; larger ones are refused (the sender sees FALSE).</summary>
    public int MaxCopyDataBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a posted or send-notified broadcast of the broker's own may take to reach its listener window and
    /// still be recognised as the broker's own (FromBroadcastRpc).
    /// </summary>
    public TimeSpan OwnBroadcastLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs (on the thread pool) when the session really ends (WM_ENDSESSION with wParam TRUE), before the listener's
    /// window procedure returns: once it returns, the system may end the process at any moment (Wine's wineboot does so
    /// at once). A host stops here, so that its streams end with a status instead of a reset; its task should complete
    /// when the host has stopped. The stop may stop this desktop's listener: that does not wait for the held window
    /// procedure (it would wait for itself). Waited for at most <see cref="SessionEndGrace"/>.
    /// </summary>
    public Func<Task>? SessionEnding { get; set; }

    /// <summary>
    /// How long WM_ENDSESSION is held for <see cref="SessionEnding"/>; without a hook, how long the events already
    /// handed to the broker get to reach subscribers before the window procedure returns. Windows itself reports
    /// an application as blocking shutdown after about five seconds.
    /// </summary>
    public TimeSpan SessionEndGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Ask for WM_WTSSESSION_CHANGE (logon, lock, remote connect...). Its failure is logged, not fatal.</summary>
    public bool RegisterSessionNotifications { get; set; } = true;

    /// <summary>
    /// How many dedicated threads make BroadcastSystemMessageExW calls. A synchronous broadcast blocks its thread on
    /// every recipient, and past its deadline keeps blocking it until the system returns: these threads, never the
    /// thread pool's, pay for a hung recipient.
    /// </summary>
    public int BroadcastThreads { get; set; } = 4;

    /// <summary>How many dedicated threads make Send's session calls (WTSSendMessageW may wait for the user's answer).</summary>
    public int SessionThreads { get; set; } = 4;

    /// <summary>
    /// How many calls may wait for a busy <see cref="BroadcastThreads"/> (and, apart, <see cref="SessionThreads"/>)
    /// thread. One more is refused at once with RESOURCE_EXHAUSTED (ERROR_NOT_ENOUGH_QUOTA, limit "desktop_threads").
    /// </summary>
    public int MaxWaitingCalls { get; set; } = 32;
}
