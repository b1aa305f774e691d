using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Desktop;

/// <summary>
/// The BSF_* bits of BroadcastSystemMessageEx's dwFlags (winuser.h), the groupings the core's policy needs, and the
/// checks BroadcastSystemMessageEx itself makes of dwFlags and *lpInfo: the one definition of each, for the core, the
/// desktops, the CLI and the tests.
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

    /// <summary>Every BSF_* name and its bit, in winuser.h's order.</summary>
    public static IReadOnlyList<(string Name, uint Value)> Names { get; } = ConstantNames.Of(typeof(BroadcastFlags), "BSF_");

    /// <summary>True when the flags ask for a synchronous send (neither post nor send-notify).</summary>
    public static bool IsSynchronous(uint flags) => (flags & AsynchronousModes) == 0;

    /// <summary>
    /// Refuses with ERROR_INVALID_PARAMETER what BroadcastSystemMessageEx itself refuses, in this order: BSF_* bits
    /// outside <see cref="All"/>, BSM_* bits outside <see cref="BroadcastRecipients.All"/>, and BSF_QUERY with an
    /// asynchronous mode. The broker's policy applies it before any desktop is called and the in-memory desktop
    /// answers it as Windows does; the Win32 desktop leaves it to the system, which answers the same.
    /// </summary>
    public static void EnsureValid(uint flags, uint recipients)
    {
        if ((flags & ~All) != 0)
        {
            throw Invalid($"Unknown BSF_* bits 0x{flags & ~All:X8}.");
        }

        if ((recipients & ~BroadcastRecipients.All) != 0)
        {
            throw Invalid($"Unknown BSM_* bits 0x{recipients & ~BroadcastRecipients.All:X8}.");
        }

        if ((flags & BSF_QUERY) != 0 && !IsSynchronous(flags))
        {
            throw Invalid("BSF_QUERY cannot be combined with BSF_POSTMESSAGE or BSF_SENDNOTIFYMESSAGE.");
        }
    }

    private static BrokerException Invalid(string message) => new(Win32Error.ERROR_INVALID_PARAMETER, message);
}
