namespace NotifyBroker.Windows.Listener;

/// <summary>
/// Holds WM_ENDSESSION(TRUE) for the host's stop without deadlocking with it.
/// </summary>
/// <remarks>
/// Once the window procedure returns from WM_ENDSESSION(TRUE) the system may end the process at any moment (Wine's
/// wineboot does so at once), and a process that dies with open streams resets them: a subscriber loses whatever its
/// HTTP/2 stack had buffered but not yet handed over. So the listener thread starts the host's stop there and waits
/// for it, at most the grace period. The host's stop stops the listener in turn; that stop must not wait for the
/// held thread (it would wait out the whole grace period while the streams stay open), so it detaches instead: from
/// then on nothing more is forwarded, and the close it posted ends the window once the hold is released, if the
/// process still lives by then.
/// </remarks>
internal sealed class SessionEndHold
{
    private readonly Func<Task>? _sessionEnding;
    private readonly TimeSpan _grace;
    private readonly Lock _sync = new();
    private bool _holding;
    private bool _stopRequested;
    private volatile bool _forwardingEnded;

    /// <param name="sessionEnding">The host's stop, or null to give the events already accepted the grace period to reach subscribers.</param>
    /// <param name="grace">How long WM_ENDSESSION(TRUE) is held at most.</param>
    public SessionEndHold(Func<Task>? sessionEnding, TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        _sessionEnding = sessionEnding;
        _grace = grace;
    }

    /// <summary>True once the listener must hand nothing more to its sink.</summary>
    public bool ForwardingEnded => _forwardingEnded;

    /// <summary>True while the listener thread is held in WM_ENDSESSION(TRUE).</summary>
    public bool IsHolding
    {
        get
        {
            lock (_sync)
            {
                return _holding;
            }
        }
    }

    /// <summary>The listener thread closes its window: nothing is forwarded from now on.</summary>
    public void EndForwarding() => _forwardingEnded = true;

    /// <summary>
    /// The listener is asked to stop (any thread). True when its thread is held in WM_ENDSESSION(TRUE): the caller
    /// must not wait for that thread, and nothing is forwarded from now on. A hold that begins after this call does
    /// not run the hook: the stop it would start is already under way.
    /// </summary>
    public bool RequestStop()
    {
        lock (_sync)
        {
            _stopRequested = true;
            if (_holding)
            {
                _forwardingEnded = true;
            }

            return _holding;
        }
    }

    /// <summary>
    /// Runs on the listener thread inside WM_ENDSESSION(TRUE): starts the host's stop and waits for it (or, with no
    /// hook, waits the grace period), at most the grace period. A faulted hook rethrows as an AggregateException.
    /// </summary>
    public SessionEndOutcome Hold()
    {
        lock (_sync)
        {
            if (_stopRequested)
            {
                return SessionEndOutcome.AlreadyStopping;
            }

            _holding = true;
        }

        try
        {
            if (_sessionEnding is null)
            {
                Thread.Sleep(_grace);
                return SessionEndOutcome.GraceElapsed;
            }

            // On the thread pool: the hook's continuations must not need this (blocked) thread.
            Task stop = Task.Run(_sessionEnding);
            return stop.Wait(_grace) ? SessionEndOutcome.Stopped : SessionEndOutcome.TimedOut;
        }
        finally
        {
            lock (_sync)
            {
                _holding = false;
            }
        }
    }
}
