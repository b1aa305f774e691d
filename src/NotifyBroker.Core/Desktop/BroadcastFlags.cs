namespace NotifyBroker.Core.Desktop;

/// <summary>
/// The BSF_* bits of BroadcastSystemMessageEx's dwFlags (winuser.h), and the groupings the core's policy needs.
/// </summary>
public static class BroadcastFlags
{
    public const uint BSF_QUERY = 0x00000001;
    public const uint BSF_IGNORECURRENTTASK = 0x00000002;
    public const uint BSF_FLUSHDISK = 0x00000004;
    public const uint BSF_NOHANG = 0x00000008;
    public const uint BSF_POSTMESSAGE = 0x00000010;
    public const uint BSF_FORCEIFHUNG = 0x00000020;
    public const uint BSF_NOTIMEOUTIFNOTHUNG = 0x00000040;
    public const uint BSF_ALLOWSFW = 0x00000080;
    public const uint BSF_SENDNOTIFYMESSAGE = 0x00000100;
    public const uint BSF_RETURNHDESK = 0x00000200;
    public const uint BSF_LUID = 0x00000400;

    /// <summary>Every documented bit; anything outside is ERROR_INVALID_PARAMETER, as Windows and Wine both answer.</summary>
    public const uint All = 0x000007FF;

    /// <summary>The bits that pick an asynchronous delivery mode.</summary>
    public const uint AsynchronousModes = BSF_POSTMESSAGE | BSF_SENDNOTIFYMESSAGE;

    /// <summary>
    /// The bit the core adds when a request names no delivery mode. Win32 has no "send synchronously" bit: Windows
    /// sends synchronously when no mode bit is set but Wine send-notifies, so BSF_QUERY is the only bit that means
    /// "one window at a time, waiting for each" on every implementation.
    /// </summary>
    public const uint ExplicitSynchronousMode = BSF_QUERY;

    /// <summary>True when the flags ask for a synchronous send (neither post nor send-notify).</summary>
    public static bool IsSynchronous(uint flags) => (flags & AsynchronousModes) == 0;
}
