using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Policy;

/// <summary>What a message's lParam is, as far as the broker lets clients broadcast it.</summary>
internal enum LParamKind
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
/// System messages whose lParam is a pointer. Windows marshals these by reading the sender's memory at lParam, so a
/// client's raw number there would make the broker itself read a wild address: such a number is refused, and the
/// data the broker can carry comes by value in a payload.
/// </summary>
internal static class PointerMessages
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

    /// <summary>True when the message must be sent synchronously (only a synchronous send marshals pointer data).</summary>
    public static bool NeedsSynchronousSend(uint messageId) => Classify(messageId) is LParamKind.CopyData or LParamKind.Text;
}
