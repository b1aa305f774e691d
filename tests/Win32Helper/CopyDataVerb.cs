using System.Runtime.InteropServices;
using NotifyBroker.Windows.Listener;

namespace Win32Helper;

/// <summary>
/// How a legacy program publishes to the broker: FindWindow by the broker's documented class name, then a
/// synchronous WM_COPYDATA. The window answers TRUE when the broker took the data.
/// </summary>
internal static unsafe class CopyDataVerb
{
    public static int Run(string hexBytes, ulong dwData)
    {
        nint broker = NativeMethods.FindWindow(ListenerWindowContract.ClassName, null);
        if (broker == 0)
        {
            Console.WriteLine($"NOTFOUND class={ListenerWindowContract.ClassName}");
            return 1;
        }

        byte[] bytes = Convert.FromHexString(hexBytes);
        nuint answer = 0;
        nint sent;
        fixed (byte* data = bytes)
        {
            var copyData = new NativeMethods.COPYDATASTRUCT { dwData = (nuint)dwData, cbData = (uint)bytes.Length, lpData = data };
            sent = NativeMethods.SendMessageTimeout(broker, NativeMethods.WM_COPYDATA, 0, (nint)(&copyData), NativeMethods.SMTO_ABORTIFHUNG, 5000, &answer);
        }

        int error = sent == 0 ? Marshal.GetLastPInvokeError() : 0;
        Console.WriteLine($"SENT sent={(sent != 0 ? 1 : 0)} answer={answer} error={error} hwnd=0x{broker:X}");
        return sent != 0 && answer != 0 ? 0 : 1;
    }
}
