using System.Globalization;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>
/// How long the Win32 desktop waits for one BroadcastSystemMessageExW call. The function takes no timeout: the system
/// waits on each recipient of a synchronous send by its own rule (Wine: SendMessageTimeoutW with a fixed 2,000 ms per
/// window under BSF_QUERY, SMTO_ABORTIFHUNG for BSF_NOHANG or BSF_FORCEIFHUNG; Windows documents no figure). So the
/// broker cannot shorten the wait on one window, but it bounds the whole call by the total that SendMessageTimeout
/// documents for a broadcast to HWND_BROADCAST: the per-window timeout times the windows addressed (at least one).
/// Past it the caller gets ERROR_TIMEOUT (DEADLINE_EXCEEDED) and the call finishes on its dedicated thread.
/// </summary>
internal static class BroadcastDeadline
{
    /// <summary>The longest wait a timer takes.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// The bound of a call that addresses <paramref name="addressed"/> windows, each given <paramref name="perWindow"/>.
    /// The core always gives a positive timeout; a command without one (zero) is not bounded by the broker.
    /// </summary>
    public static TimeSpan For(TimeSpan perWindow, int addressed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(addressed);
        if (perWindow <= TimeSpan.Zero)
        {
            return Timeout.InfiniteTimeSpan;
        }

        // The longest wait a timer takes; far beyond any real desktop (60 s times the 65,536 USER handles is 46 days).
        TimeSpan total = perWindow * Math.Max(1, addressed);
        return total < LongestTimer ? total : LongestTimer;
    }

    /// <summary>The failure of a call that did not return within <paramref name="limit"/>.</summary>
    public static BrokerException Exceeded(BroadcastCommand command, int addressed, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(command);
        string perWindow = command.Timeout.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        string total = limit.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        return new BrokerException(
            Win32Error.ERROR_TIMEOUT,
            $"BroadcastSystemMessageExW of message 0x{command.MessageId:X4} did not return within {total} ms " +
            $"({perWindow} ms per window, {addressed} windows addressed): a recipient is slow or hung. The broker stopped waiting; " +
            "the call goes on to its end in the background, and how it ends is not reported.")
        {
            Details = new Dictionary<string, string>
            {
                ["timeout_ms"] = perWindow,
                ["limit_ms"] = total,
                ["windows"] = addressed.ToString(CultureInfo.InvariantCulture),
            },
        };
    }
}
