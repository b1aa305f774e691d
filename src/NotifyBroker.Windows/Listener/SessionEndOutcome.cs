namespace NotifyBroker.Windows.Listener;

/// <summary>How a WM_ENDSESSION(TRUE) hold ended.</summary>
internal enum SessionEndOutcome
{
    /// <summary>The host's stop completed within the grace period.</summary>
    Stopped,

    /// <summary>The host's stop was still running when the grace period ran out.</summary>
    TimedOut,

    /// <summary>No hook: the grace period was given to the events already accepted.</summary>
    GraceElapsed,

    /// <summary>The listener was already being stopped: nothing to start, nothing to wait for.</summary>
    AlreadyStopping,
}
