using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>What one BroadcastSystemMessageExW call returned, and how that reads as an outcome or a failure.</summary>
/// <param name="Result">The return value: positive, 0 or -1.</param>
/// <param name="LastError">GetLastError right after the call.</param>
/// <param name="Recipients">*lpInfo on return.</param>
/// <param name="DenierHwnd">BSMINFO.hwnd (0 when the system did not fill it; Wine never does).</param>
/// <param name="DenierHdesk">BSMINFO.hdesk (only with BSF_RETURNHDESK).</param>
internal readonly record struct BroadcastCallResult(int Result, int LastError, uint Recipients, ulong DenierHwnd, ulong DenierHdesk)
{
    /// <summary>
    /// Maps the call to an outcome, or throws the Win32 failure as a <see cref="BrokerException"/>:
    /// positive = delivered; 0 under BSF_QUERY = a recipient denied (or hung); 0 with ERROR_INVALID_PARAMETER = bad
    /// flags or recipients; anything else that is not positive = the call failed with its last error.
    /// A positive result with ERROR_MESSAGE_SYNC_ONLY means the system dropped a pointer message sent asynchronously
    /// (Wine reports success that way); that is a failure too, never a silent loss.
    /// </summary>
    /// <param name="flags">The dwFlags the call was made with.</param>
    /// <param name="addressed">
    /// How many windows the broadcast addressed when it started (<see cref="WindowCensus"/>): reported as delivered on
    /// success, since the system does not say how many it reached. A denial reports 0: the system does not say how
    /// many windows got the message before the denier (or the hung window) stopped it.
    /// </param>
    /// <param name="describeWindow">Gives a readable name (title or class) for a window handle.</param>
    public BroadcastOutcome ToOutcome(uint flags, int addressed, Func<ulong, string> describeWindow)
    {
        ArgumentNullException.ThrowIfNull(describeWindow);
        if (Result > 0)
        {
            if (LastError == Win32Error.ERROR_MESSAGE_SYNC_ONLY)
            {
                throw new BrokerException(
                    Win32Error.ERROR_MESSAGE_SYNC_ONLY,
                    "The system dropped the message: it carries a pointer and was not sent synchronously.");
            }

            return new BroadcastOutcome(Result, Recipients, addressed, DeniedBy: null);
        }

        if (LastError == Win32Error.ERROR_INVALID_PARAMETER)
        {
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"BroadcastSystemMessageEx refused dwFlags 0x{flags:X8} or the recipients: ERROR_INVALID_PARAMETER.");
        }

        if (Result == 0 && (flags & BroadcastFlags.BSF_QUERY) != 0)
        {
            // Denied, or (ERROR_TIMEOUT) stopped by a hung recipient. How many windows got it first is not reported.
            WindowIdentity? denier = DenierHwnd == 0 ? null : new WindowIdentity(DenierHwnd, DenierHdesk, describeWindow(DenierHwnd));
            return new BroadcastOutcome(0, Recipients, Delivered: 0, denier);
        }

        int code = LastError != 0 ? LastError : Win32Error.ERROR_GEN_FAILURE;
        throw new BrokerException(code, $"BroadcastSystemMessageEx could not broadcast (returned {Result}, error {code}).");
    }
}
