using NotifyBroker.Core.Errors;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Desktop;

/// <summary>What a message's lParam is, as far as the broker lets a broadcast carry it.</summary>
public enum LParamKind
{
    /// <summary>A plain integer.</summary>
    Integer,
    /// <summary>A COPYDATASTRUCT pointer: the data must come as a CopyData payload.</summary>
    CopyData,
    /// <summary>A string pointer (or NULL): the string must come as a Text payload.</summary>
    Text,
    /// <summary>A pointer to a structure the broker cannot build: only lParam 0 is allowed.</summary>
    UnsupportedPointer,
}

/// <summary>
/// System messages whose lParam is a pointer: the one rule, which the broadcast policy applies to every request and
/// the Win32 desktop to every call it makes. Windows marshals these by reading the sender's memory at lParam (on a
/// synchronous send only), so a client's raw number there would make the broker itself read a wild address: such a
/// number is refused, and the data the broker can carry comes by value in a payload. Every other message, registered
/// ones (0xC000-0xFFFF) included, is an integer message: the system never marshals its lParam.
/// </summary>
public static class PointerMessages
{
    public static LParamKind Classify(uint messageId) => messageId switch
    {
        WM_COPYDATA => LParamKind.CopyData,
        WM_SETTINGCHANGE or WM_DEVMODECHANGE => LParamKind.Text,
        WM_CREATE or WM_NCCREATE or WM_SETTEXT or WM_GETTEXT or WM_GETMINMAXINFO or
        WM_WINDOWPOSCHANGING or WM_WINDOWPOSCHANGED or WM_NCCALCSIZE or
        WM_DEVICECHANGE or WM_POWERBROADCAST => LParamKind.UnsupportedPointer,
        _ => LParamKind.Integer,
    };

    /// <summary>True when the broker sends the message synchronously, whatever mode was asked (only a synchronous send marshals pointer data).</summary>
    public static bool NeedsSynchronousSend(uint messageId) => Classify(messageId) is LParamKind.CopyData or LParamKind.Text;

    /// <summary>
    /// True when a call's lParam is, or must be, a pointer: always for WM_COPYDATA; for the other pointer messages when
    /// a payload or a non-zero lParam is given. So WM_SETTINGCHANGE without a string (lParam 0) is an integer message.
    /// </summary>
    public static bool LParamIsPointer(uint messageId, long lParam, WindowMessagePayload? payload) => Classify(messageId) switch
    {
        LParamKind.Integer => false,
        LParamKind.CopyData => true,
        _ => payload is not null || lParam != 0,
    };

    /// <summary>
    /// Refuses with ERROR_INVALID_PARAMETER an lParam or payload the message cannot carry: a payload on an integer
    /// message, WM_COPYDATA without its CopyData, a string message with another payload, any payload for a pointer
    /// the broker cannot build, and a raw lParam other than 0 for any pointer message.
    /// </summary>
    public static void EnsureFits(uint messageId, long lParam, WindowMessagePayload? payload)
    {
        switch (Classify(messageId))
        {
            case LParamKind.Integer when payload is not null:
                throw Invalid($"Message 0x{messageId:X4} takes an integer lParam, not a payload.");
            case LParamKind.CopyData when payload is not WindowMessagePayload.CopyData:
                throw Invalid("WM_COPYDATA needs a CopyData payload.");
            case LParamKind.Text when payload is not (null or WindowMessagePayload.Text):
                throw Invalid($"Message 0x{messageId:X4} carries a string payload.");
            case LParamKind.UnsupportedPointer when payload is not null:
                throw Invalid($"The broker cannot carry the lParam data of message 0x{messageId:X4}.");
            case not LParamKind.Integer when lParam != 0:
                throw Invalid($"The lParam of message 0x{messageId:X4} is a pointer: pass 0 (and the data as a payload where one is supported).");
        }
    }

    private static BrokerException Invalid(string message) => new(Win32Error.ERROR_INVALID_PARAMETER, message);
}
