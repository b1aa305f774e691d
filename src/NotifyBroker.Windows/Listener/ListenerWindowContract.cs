namespace NotifyBroker.Windows.Listener;

/// <summary>
/// How any Win32 program finds the broker's listener window to publish to it:
/// <c>FindWindowW(L"NotifyBroker.Listener", NULL)</c>, then
/// <c>SendMessageW(hwnd, WM_COPYDATA, (WPARAM)senderHwnd, (LPARAM)&amp;copyDataStruct)</c>. The window answers TRUE when
/// the broker took the data and FALSE when it refused it.
/// </summary>
public static class ListenerWindowContract
{
    /// <summary>The window class name. Stable: part of the broker's public interface.</summary>
    public const string ClassName = "NotifyBroker.Listener";

    /// <summary>The window title.</summary>
    public const string WindowTitle = "NotifyBroker Listener";
}
