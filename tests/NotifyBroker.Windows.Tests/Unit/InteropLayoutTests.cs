using System.Runtime.InteropServices;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>The blittable structs must match the x64 Win32 layouts byte for byte (the tests run on 64-bit hosts).</summary>
public sealed unsafe class InteropLayoutTests
{
    [Fact]
    public void Pointer_size_is_64_bit_as_the_layouts_below_assume()
    {
        Assert.Equal(8, sizeof(nint));
    }

    [Fact]
    public void BSMINFO_is_32_bytes_with_hwnd_at_16()
    {
        Assert.Equal(32, sizeof(Interop.User32.BSMINFO));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.User32.BSMINFO>(nameof(Interop.User32.BSMINFO.hdesk)));
        Assert.Equal(16, (int)Marshal.OffsetOf<Interop.User32.BSMINFO>(nameof(Interop.User32.BSMINFO.hwnd)));
        Assert.Equal(24, (int)Marshal.OffsetOf<Interop.User32.BSMINFO>(nameof(Interop.User32.BSMINFO.luid)));
    }

    [Fact]
    public void COPYDATASTRUCT_is_24_bytes_with_lpData_at_16()
    {
        Assert.Equal(24, sizeof(Interop.User32.COPYDATASTRUCT));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.User32.COPYDATASTRUCT>(nameof(Interop.User32.COPYDATASTRUCT.cbData)));
        Assert.Equal(16, (int)Marshal.OffsetOf<Interop.User32.COPYDATASTRUCT>(nameof(Interop.User32.COPYDATASTRUCT.lpData)));
    }

    [Fact]
    public void WNDCLASSEXW_is_80_bytes_with_the_class_name_at_64()
    {
        Assert.Equal(80, sizeof(Interop.User32.WNDCLASSEXW));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.User32.WNDCLASSEXW>(nameof(Interop.User32.WNDCLASSEXW.lpfnWndProc)));
        Assert.Equal(64, (int)Marshal.OffsetOf<Interop.User32.WNDCLASSEXW>(nameof(Interop.User32.WNDCLASSEXW.lpszClassName)));
    }

    [Fact]
    public void MSG_is_48_bytes()
    {
        Assert.Equal(48, sizeof(Interop.User32.MSG));
        Assert.Equal(16, (int)Marshal.OffsetOf<Interop.User32.MSG>(nameof(Interop.User32.MSG.wParam)));
        Assert.Equal(36, (int)Marshal.OffsetOf<Interop.User32.MSG>(nameof(Interop.User32.MSG.pt)));
    }

    [Fact]
    public void WTS_SESSION_INFOW_is_24_bytes_with_state_at_16()
    {
        Assert.Equal(24, sizeof(Interop.WtsApi32.WTS_SESSION_INFOW));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.WtsApi32.WTS_SESSION_INFOW>(nameof(Interop.WtsApi32.WTS_SESSION_INFOW.pWinStationName)));
        Assert.Equal(16, (int)Marshal.OffsetOf<Interop.WtsApi32.WTS_SESSION_INFOW>(nameof(Interop.WtsApi32.WTS_SESSION_INFOW.State)));
    }
}
