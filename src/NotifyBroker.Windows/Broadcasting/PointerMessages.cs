using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>
/// The system messages whose lParam is a pointer that the system marshals across processes on a synchronous send,
/// and the payload kind each carries. Registered messages (0xC000-0xFFFF) are never marshalled: integers only.
/// </summary>
internal static class PointerMessages
{
    /// <summary>True when the broadcast's lParam is (or must be) a pointer.</summary>
    public static bool LParamIsPointer(uint messageId, long lParam, WindowMessagePayload? payload) => messageId switch
    {
        Interop.User32.WM_COPYDATA => true,
        // WM_SETTINGCHANGE / WM_DEVMODECHANGE: lParam is an optional string; 0 (no string) is an integer message.
        Interop.User32.WM_SETTINGCHANGE or Interop.User32.WM_DEVMODECHANGE => payload is not null || lParam != 0,
        _ => false,
    };

    /// <summary>Refuses a pointer message without the payload it needs, or with the wrong kind of payload.</summary>
    public static void EnsurePayloadFits(uint messageId, WindowMessagePayload? payload)
    {
        bool fits = messageId switch
        {
            Interop.User32.WM_COPYDATA => payload is WindowMessagePayload.CopyData,
            _ => payload is WindowMessagePayload.Text,
        };
        if (!fits)
        {
            string expected = messageId == Interop.User32.WM_COPYDATA ? "copy_data" : "text";
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"Message 0x{messageId:X4} takes its lParam data as a {expected} payload; an integer lParam would be a dangling pointer in every recipient.");
        }
    }
}
