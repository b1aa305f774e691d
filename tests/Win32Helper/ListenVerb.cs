using System.Runtime.InteropServices;
using System.Text;

namespace Win32Helper;

/// <summary>
/// A legacy program's hidden top-level window: prints what it receives of one registered message, WM_COPYDATA,
/// WM_SETTINGCHANGE and the session-end messages. With --deny it vetoes BSF_QUERY broadcasts of the message. With
/// --hang it hangs in its window procedure on the message (a sender waits on it) until "release" on stdin.
/// Ends on "quit" (or end of input) on stdin, which releases a hang first.
/// </summary>
internal static unsafe class ListenVerb
{
    private const string ClassName = "Win32Helper.Listener";
    private static uint s_message;
    private static readonly ManualResetEventSlim s_released = new();
    private static bool s_deny;
    private static bool s_hang;

    public static int Run(string registeredName, bool deny, bool hang = false)
    {
        s_message = NativeMethods.RegisterWindowMessage(registeredName);
        s_deny = deny;
        s_hang = hang;
        nint instance = NativeMethods.GetModuleHandle(null);
        fixed (char* className = ClassName)
        {
            var windowClass = new NativeMethods.WNDCLASSEXW
            {
                cbSize = (uint)sizeof(NativeMethods.WNDCLASSEXW),
                lpfnWndProc = &WindowProcedure,
                hInstance = instance,
                lpszClassName = className,
            };
            NativeMethods.RegisterClassEx(&windowClass);
        }

        nint hwnd = NativeMethods.CreateWindowEx(0, ClassName, "Win32Helper " + registeredName, NativeMethods.WS_POPUP, 0, 0, 0, 0, 0, 0, instance, 0);
        if (hwnd == 0)
        {
            Console.WriteLine($"FAILED CreateWindowEx error={Marshal.GetLastPInvokeError()}");
            return 1;
        }

        var stdin = new Thread(() =>
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null && line.Trim() != "quit")
            {
                if (line.Trim() == "release")
                {
                    s_released.Set();
                }
            }

            s_released.Set();
            NativeMethods.PostMessage(hwnd, NativeMethods.WM_CLOSE, 0, 0);
        }) { IsBackground = true };
        stdin.Start();

        Console.WriteLine($"READY msg=0x{s_message:X4} hwnd=0x{hwnd:X} pid={Environment.ProcessId}");
        NativeMethods.MSG message;
        while (NativeMethods.GetMessage(&message, 0, 0, 0) > 0)
        {
            NativeMethods.DispatchMessage(&message);
        }

        Console.WriteLine("EXIT");
        return 0;
    }

    [UnmanagedCallersOnly]
    private static nint WindowProcedure(nint hwnd, uint msg, nuint wParam, nint lParam)
    {
        try
        {
            if (msg == s_message)
            {
                Console.WriteLine($"GOT msg=0x{msg:X4} wparam={wParam} lparam={lParam} ismex={NativeMethods.InSendMessageEx(0)}");
                if (s_hang)
                {
                    // Hung: this thread neither returns nor pumps messages until released.
                    s_released.Wait();
                    Console.WriteLine($"RELEASED wparam={wParam}");
                }

                return s_deny ? NativeMethods.BROADCAST_QUERY_DENY : 1;
            }

            switch (msg)
            {
                case NativeMethods.WM_COPYDATA:
                    var data = (NativeMethods.COPYDATASTRUCT*)lParam;
                    string hex = Convert.ToHexString(new ReadOnlySpan<byte>(data->lpData, (int)data->cbData));
                    Console.WriteLine($"COPYDATA dwData={data->dwData} bytes={hex}");
                    return 1;
                case NativeMethods.WM_SETTINGCHANGE:
                    string area = lParam == 0 ? string.Empty : new string((char*)lParam);
                    Console.WriteLine($"SETTINGCHANGE wparam={wParam} area={area}");
                    return 0;
                case NativeMethods.WM_QUERYENDSESSION:
                    Console.WriteLine($"QUERYENDSESSION lparam={lParam}");
                    return 1;
                case NativeMethods.WM_ENDSESSION:
                    Console.WriteLine($"ENDSESSION wparam={wParam} lparam={lParam}");
                    return 0;
                case NativeMethods.WM_CLOSE:
                    NativeMethods.DestroyWindow(hwnd);
                    return 0;
                case NativeMethods.WM_DESTROY:
                    NativeMethods.PostQuitMessage(0);
                    return 0;
            }
        }
        catch (Exception e)
        {
            Console.WriteLine("FAULT " + e.Message.Replace('\n', ' '));
        }

        return NativeMethods.DefWindowProc(hwnd, msg, wParam, lParam);
    }
}
