using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Windows.Listener;

/// <summary>
/// Copies the data a pointer-carrying message points at, while the window procedure runs: the pointer is valid only
/// until it returns (for a cross-process send it points into a system-made copy).
/// </summary>
internal static unsafe class MessagePayloadReader
{
    /// <summary>The longest string lParam copied (UNICODE_STRING's limit); longer is cut off there.</summary>
    public const int MaxTextChars = 32767;

    /// <summary>
    /// Copies the payload of <paramref name="messageId"/>, or returns null when the message carries none.
    /// Returns false (refuse the message) for WM_COPYDATA with no COPYDATASTRUCT or more than
    /// <paramref name="maxCopyDataBytes"/> bytes.
    /// </summary>
    public static bool TryCopy(uint messageId, nint lParam, int maxCopyDataBytes, out WindowMessagePayload? payload)
    {
        payload = null;
        switch (messageId)
        {
            case WindowMessages.WM_COPYDATA:
                if (lParam == 0)
                {
                    return false;
                }

                var copyData = (Interop.User32.COPYDATASTRUCT*)lParam;
                if (copyData->cbData > (uint)maxCopyDataBytes || (copyData->cbData != 0 && copyData->lpData is null))
                {
                    return false;
                }

                byte[] bytes = copyData->cbData == 0 ? [] : new ReadOnlySpan<byte>(copyData->lpData, (int)copyData->cbData).ToArray();
                payload = new WindowMessagePayload.CopyData(copyData->dwData, bytes);
                return true;

            case WindowMessages.WM_SETTINGCHANGE or WindowMessages.WM_DEVMODECHANGE when lParam != 0:
                payload = new WindowMessagePayload.Text(ReadString((char*)lParam));
                return true;

            default:
                return true;
        }
    }

    private static string ReadString(char* text)
    {
        int length = 0;
        while (length < MaxTextChars && text[length] != '\0')
        {
            length++;
        }

        return new string(text, 0, length);
    }
}
