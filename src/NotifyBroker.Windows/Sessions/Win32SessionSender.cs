using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Platform;

namespace NotifyBroker.Windows.Sessions;

/// <summary>
/// Delivers a Send outside the broker: NetMessageBufferSend where the Messenger service exists (never under Wine,
/// where the export is a stub that kills the process), otherwise WTSSendMessageW to the matching user sessions.
/// Under Wine the session path is still tried (WTSSendMessageW is a stub that returns FALSE there, harmlessly), and
/// every failure reads ERROR_NOT_SUPPORTED: the name may well exist, the host just cannot deliver to it.
/// Blocking: with a timeout WTSSendMessageW waits for the user's answer.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class Win32SessionSender
{
    private const string WineUnsupported =
        "This host has no Messenger service and WTSSendMessage is not implemented under Wine: Send reaches only aliases held by subscribers (or added with AddAlias).";

    private readonly HostPlatform _platform;

    public Win32SessionSender(HostPlatform platform)
    {
        _platform = platform;
        MessengerAvailable = !platform.IsWine && ProbeMessenger();
    }

    /// <summary>True when NetMessageNameEnum answers, i.e. the Messenger service runs (it has not since Vista).</summary>
    public bool MessengerAvailable { get; }

    public SessionSendOutcome Send(SessionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (MessengerAvailable && TrySendByMessenger(message))
        {
            return new SessionSendOutcome(SessionSendPath.Messenger, 1, 0);
        }

        IReadOnlyList<uint> targets = SessionTargets.Select(EnumerateSessions(), message.MsgName);
        if (targets.Count == 0 && string.Equals(message.MsgName, Environment.UserName, StringComparison.OrdinalIgnoreCase))
        {
            // The broker's own user: its own session, which WTS names without enumerating (Wine lists no sessions).
            targets = [Interop.WtsApi32.WTS_CURRENT_SESSION];
        }

        if (targets.Count == 0)
        {
            if (_platform.IsWine)
            {
                // Wine 8.0 lists no sessions at all, so "no such session" says nothing about the name.
                throw new BrokerException(Win32Error.ERROR_NOT_SUPPORTED, $"{WineUnsupported} '{message.MsgName}' is none of them.");
            }

            throw new BrokerException(Win32Error.NERR_NameNotFound, $"No session of a user or window station named '{message.MsgName}'.");
        }

        uint firstResponse = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            uint response = SendToSession(targets[i], message);
            if (i == 0)
            {
                firstResponse = response;
            }
        }

        return new SessionSendOutcome(SessionSendPath.Session, targets.Count, firstResponse);
    }

    private bool TrySendByMessenger(SessionMessage message)
    {
        byte[] text = Encoding.Unicode.GetBytes(message.Text);
        uint status;
        fixed (byte* buffer = text)
        {
            status = Interop.Netapi32.NetMessageBufferSend(null, message.MsgName, message.FromName, buffer, (uint)text.Length);
        }

        return status switch
        {
            Interop.Netapi32.NERR_Success => true,
            // Not a Messenger name, or no Messenger after all: try the sessions.
            (uint)Win32Error.NERR_NameNotFound or (uint)Win32Error.ERROR_NOT_SUPPORTED => false,
            _ => throw new BrokerException((int)status, $"NetMessageBufferSend to '{message.MsgName}' failed: {Win32Error.NameOf((int)status)}."),
        };
    }

    private uint SendToSession(uint sessionId, SessionMessage message)
    {
        (uint seconds, bool wait) = SessionTargets.WaitFor(message.Timeout);
        string title = string.IsNullOrEmpty(message.Title) ? message.FromName : message.Title;
        uint response = 0;
        bool sent = Interop.WtsApi32.WTSSendMessage(
            Interop.WtsApi32.WTS_CURRENT_SERVER_HANDLE,
            sessionId,
            title,
            (uint)(title.Length * sizeof(char)),
            message.Text,
            (uint)(message.Text.Length * sizeof(char)),
            message.Style,
            seconds,
            &response,
            wait);
        if (sent)
        {
            return response;
        }

        int error = Marshal.GetLastPInvokeError();
        string session = sessionId == Interop.WtsApi32.WTS_CURRENT_SESSION ? "the broker's own session" : $"session {sessionId}";
        if (_platform.IsWine)
        {
            throw new BrokerException(Win32Error.ERROR_NOT_SUPPORTED, $"{WineUnsupported} WTSSendMessageW to {session} returned FALSE.");
        }

        int code = error != 0 ? error : Win32Error.ERROR_GEN_FAILURE;
        throw new BrokerException(code, $"WTSSendMessageW to {session} failed: {Win32Error.NameOf(code)}.");
    }

    private static List<SessionEntry> EnumerateSessions()
    {
        Interop.WtsApi32.WTS_SESSION_INFOW* sessions = null;
        uint count = 0;
        if (!Interop.WtsApi32.WTSEnumerateSessions(Interop.WtsApi32.WTS_CURRENT_SERVER_HANDLE, 0, 1, &sessions, &count))
        {
            int error = Marshal.GetLastPInvokeError();
            throw new BrokerException(error, $"WTSEnumerateSessionsW failed: {Win32Error.NameOf(error)}.");
        }

        try
        {
            var entries = new List<SessionEntry>((int)count);
            for (uint i = 0; i < count; i++)
            {
                Interop.WtsApi32.WTS_SESSION_INFOW session = sessions[i];
                string station = session.pWinStationName is null ? string.Empty : new string(session.pWinStationName);
                entries.Add(new SessionEntry(session.SessionId, station, QueryUserName(session.SessionId), (int)session.State));
            }

            return entries;
        }
        finally
        {
            if (sessions is not null)
            {
                Interop.WtsApi32.WTSFreeMemory(sessions);
            }
        }
    }

    private static string? QueryUserName(uint sessionId)
    {
        char* buffer = null;
        uint bytes = 0;
        if (!Interop.WtsApi32.WTSQuerySessionInformation(
                Interop.WtsApi32.WTS_CURRENT_SERVER_HANDLE, sessionId, Interop.WtsApi32.WTS_INFO_CLASS.WTSUserName, &buffer, &bytes))
        {
            return null;
        }

        try
        {
            return buffer is null ? null : new string(buffer);
        }
        finally
        {
            Interop.WtsApi32.WTSFreeMemory(buffer);
        }
    }

    private static bool ProbeMessenger()
    {
        byte* buffer = null;
        uint read = 0, total = 0, resume = 0;
        uint status = Interop.Netapi32.NetMessageNameEnum(null, 0, &buffer, Interop.Netapi32.MAX_PREFERRED_LENGTH, &read, &total, &resume);
        if (buffer is not null)
        {
            Interop.Netapi32.NetApiBufferFree(buffer);
        }

        return status == Interop.Netapi32.NERR_Success || status == (uint)Win32Error.ERROR_MORE_DATA;
    }
}
