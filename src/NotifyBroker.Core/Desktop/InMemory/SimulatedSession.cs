namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>
/// A simulated user session that WTSSendMessage can reach by its user or session name. The answer to a message that
/// waits for the user comes from <see cref="Respond"/> (IDOK by default).
/// </summary>
public sealed class SimulatedSession
{
    /// <summary>The user clicked OK.</summary>
    public const uint IDOK = 1;

    /// <summary>The user did not answer in time.</summary>
    public const uint IDTIMEOUT = 32000;

    /// <summary>The sender did not wait for an answer.</summary>
    public const uint IDASYNC = 32001;

    private readonly Lock _sync = new();
    private readonly List<SessionMessage> _received = [];

    internal SimulatedSession(uint sessionId, string sessionName, string userName, Func<SessionMessage, uint>? respond)
    {
        SessionId = sessionId;
        SessionName = sessionName;
        UserName = userName;
        Respond = respond ?? (static _ => IDOK);
    }

    public uint SessionId { get; }

    /// <summary>The window station name, e.g. "Console" or "RDP-Tcp#3".</summary>
    public string SessionName { get; }

    public string UserName { get; }

    public Func<SessionMessage, uint> Respond { get; }

    /// <summary>The messages shown in this session, in order.</summary>
    public IReadOnlyList<SessionMessage> Received
    {
        get { lock (_sync) { return [.. _received]; } }
    }

    internal bool IsNamed(string name) =>
        string.Equals(name, UserName, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, SessionName, StringComparison.OrdinalIgnoreCase);

    internal uint Show(SessionMessage message)
    {
        lock (_sync) { _received.Add(message); }

        // WTSSendMessage with bWait = FALSE (a zero timeout here) returns at once with IDASYNC.
        return message.Timeout == TimeSpan.Zero ? IDASYNC : Respond(message);
    }
}
