namespace NotifyBroker.Windows.Listener;

/// <summary>
/// Decides, for the listener window, whether a message that could end it is the broker's own doing. Only the broker's
/// own stop ends the listener: it sets <see cref="RequestStop"/> in this process before it posts the control message,
/// and nothing that arrives from outside can set it. So a WM_CLOSE, a WM_DESTROY, a posted WM_QUIT (to the window or
/// to the thread) or the control message itself (whose id is registered under a per-run name, but which any local
/// process could find in the atom table or hit by trying every registered id) ends nothing unless the stop was asked
/// for. Counts what it ignored. Pure logic: the listener thread calls every method except <see cref="RequestStop"/>
/// and <see cref="StopRequested"/>.
/// </summary>
internal sealed class ListenerGuard
{
    private volatile bool _stopRequested;
    private bool _closing;
    private long _ignoredControls;
    private long _ignoredCloses;
    private long _ignoredDestroys;
    private long _ignoredQuits;

    /// <summary>True once the broker asked its listener to stop (any thread).</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>True once the listener began closing its window on the broker's request.</summary>
    public bool Closing => _closing;

    public long IgnoredControls => Interlocked.Read(ref _ignoredControls);

    public long IgnoredCloses => Interlocked.Read(ref _ignoredCloses);

    public long IgnoredDestroys => Interlocked.Read(ref _ignoredDestroys);

    public long IgnoredQuits => Interlocked.Read(ref _ignoredQuits);

    /// <summary>Everything ignored so far.</summary>
    public long Ignored => IgnoredControls + IgnoredCloses + IgnoredDestroys + IgnoredQuits;

    /// <summary>The broker's stop, before it posts the control message (any thread).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>The control message arrived: true when the window must close now (the broker asked for it).</summary>
    /// <param name="count">How many control messages have been ignored, when this one is.</param>
    public bool OnControl(out long count)
    {
        if (_stopRequested)
        {
            _closing = true;
            count = IgnoredControls;
            return true;
        }

        count = Interlocked.Increment(ref _ignoredControls);
        return false;
    }

    /// <summary>WM_CLOSE: never closes the window (only the control message does). Returns how many were ignored.</summary>
    public long OnClose() => Interlocked.Increment(ref _ignoredCloses);

    /// <summary>
    /// WM_DESTROY: true when it is the one our own DestroyWindow sends (end the loop with PostQuitMessage). Any other
    /// is a message sent or posted by someone else (only the owning thread can destroy a window), and ends nothing.
    /// </summary>
    /// <param name="count">How many have been ignored, when this one is.</param>
    public bool OnDestroy(out long count)
    {
        if (_closing)
        {
            count = IgnoredDestroys;
            return true;
        }

        count = Interlocked.Increment(ref _ignoredDestroys);
        return false;
    }

    /// <summary>
    /// GetMessage returned 0 (WM_QUIT): true when the loop must end (our own close posted it, or the window is gone
    /// and there is nothing left to pump for). Any other WM_QUIT was posted by someone else (to the window or to the
    /// thread; the system says not who): the loop goes on.
    /// </summary>
    /// <param name="windowExists">Whether the listener window still exists.</param>
    /// <param name="count">How many have been ignored, when this one is.</param>
    public bool OnQuit(bool windowExists, out long count)
    {
        if (_closing || !windowExists)
        {
            count = IgnoredQuits;
            return true;
        }

        count = Interlocked.Increment(ref _ignoredQuits);
        return false;
    }

    /// <summary>True for 1, 2, 4, 8...: ignored messages are logged at those counts only, so a flood cannot flood the log.</summary>
    public static bool IsWorthLogging(long count) => count > 0 && (count & (count - 1)) == 0;
}
