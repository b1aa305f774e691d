namespace NotifyBroker.Core.Desktop;

/// <summary>A Send that leaves the broker for a user's session or the Messenger service.</summary>
/// <param name="MsgName">The alias: a user, session or computer name.</param>
/// <param name="FromName">The sender shown.</param>
/// <param name="Text">The message.</param>
/// <param name="Title">Message box title (session path).</param>
/// <param name="Style">MB_* style (session path).</param>
/// <param name="Timeout">How long to wait for the user's answer; zero = don't wait (IDASYNC).</param>
public sealed record SessionMessage(string MsgName, string FromName, string Text, string Title, uint Style, TimeSpan Timeout);

public enum SessionSendPath
{
    Messenger,
    Session,
}

/// <summary>How a session send went: the path, how many recipients, and the user's answer (IDOK, IDTIMEOUT, IDASYNC...).</summary>
public sealed record SessionSendOutcome(SessionSendPath Path, int Recipients, uint Response);
