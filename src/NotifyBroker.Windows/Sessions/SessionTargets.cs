namespace NotifyBroker.Windows.Sessions;

/// <summary>One entry of WTSEnumerateSessionsW, with the session's user name.</summary>
internal readonly record struct SessionEntry(uint SessionId, string WinStationName, string? UserName, int State);

/// <summary>Chooses the sessions a Send's msgname addresses.</summary>
internal static class SessionTargets
{
    /// <summary>WTSListen: a listener winstation (RDP-Tcp), not a session anybody sits at.</summary>
    private const int WTSListen = 6;

    /// <summary>
    /// The sessions whose user name or window station name ("Console", "RDP-Tcp#3") equals
    /// <paramref name="msgName"/> case-insensitively, as NET SEND matched names. Listener stations never match.
    /// </summary>
    public static IReadOnlyList<uint> Select(IEnumerable<SessionEntry> sessions, string msgName)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return sessions
            .Where(s => s.State != WTSListen)
            .Where(s => string.Equals(s.UserName, msgName, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(s.WinStationName, msgName, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.SessionId)
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// WTSSendMessage's Timeout (whole seconds, rounded up) and bWait: zero means "don't wait" (the answer is IDASYNC).
    /// </summary>
    public static (uint Seconds, bool Wait) WaitFor(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return (0, false);
        }

        double seconds = Math.Ceiling(timeout.TotalSeconds);
        return (seconds >= uint.MaxValue ? uint.MaxValue : (uint)seconds, true);
    }
}
