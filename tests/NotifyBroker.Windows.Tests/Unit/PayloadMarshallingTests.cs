using System.Runtime.InteropServices;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Windows.Broadcasting;
using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>
/// The sending side lays payloads out in unmanaged memory exactly as Win32 expects them; the listener copies them
/// back out. Both are plain memory work, so they are tested here against each other and against hand-made layouts.
/// </summary>
public sealed unsafe class PayloadMarshallingTests
{
    [Fact]
    public void Text_is_a_NUL_terminated_UTF16_string()
    {
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.Text("Environment"));

        var chars = (char*)payload.LParam;
        Assert.Equal("Environment", new string(chars));
        Assert.Equal('\0', chars[11]);
        Assert.Equal((nuint)24, payload.Size);
    }

    [Fact]
    public void CopyData_is_a_COPYDATASTRUCT_whose_lpData_points_at_the_bytes()
    {
        byte[] bytes = [0x00, 0xFF, 0x10, 0xAB];
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.CopyData(0xDEADBEEF, bytes));

        var header = (Interop.User32.COPYDATASTRUCT*)payload.LParam;
        Assert.Equal((nuint)0xDEADBEEF, header->dwData);
        Assert.Equal(4u, header->cbData);
        Assert.Equal(bytes, new ReadOnlySpan<byte>(header->lpData, 4).ToArray());
    }

    [Fact]
    public void Empty_CopyData_has_no_data_pointer()
    {
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.CopyData(5, ReadOnlyMemory<byte>.Empty));

        var header = (Interop.User32.COPYDATASTRUCT*)payload.LParam;
        Assert.Equal(0u, header->cbData);
        Assert.True(header->lpData is null);
    }

    [Fact]
    public void The_listener_copies_back_exactly_what_the_sender_laid_out()
    {
        byte[] bytes = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.CopyData(42, bytes));

        Assert.True(MessagePayloadReader.TryCopy(WindowMessages.WM_COPYDATA, payload.LParam, 1024, out WindowMessagePayload? copied));

        var copyData = Assert.IsType<WindowMessagePayload.CopyData>(copied);
        Assert.Equal(42ul, copyData.Data);
        Assert.Equal(bytes, copyData.Bytes.ToArray());
    }

    [Fact]
    public void The_copy_outlives_the_senders_memory()
    {
        WindowMessagePayload? copied;
        using (UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.CopyData(1, new byte[] { 9, 8, 7 })))
        {
            Assert.True(MessagePayloadReader.TryCopy(WindowMessages.WM_COPYDATA, payload.LParam, 1024, out copied));
            new Span<byte>(((Interop.User32.COPYDATASTRUCT*)payload.LParam)->lpData, 3).Fill(0);
        }

        Assert.Equal(new byte[] { 9, 8, 7 }, Assert.IsType<WindowMessagePayload.CopyData>(copied).Bytes.ToArray());
    }

    [Fact]
    public void WM_COPYDATA_larger_than_the_limit_is_refused()
    {
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.CopyData(1, new byte[65]));

        Assert.False(MessagePayloadReader.TryCopy(WindowMessages.WM_COPYDATA, payload.LParam, 64, out _));
    }

    [Fact]
    public void WM_COPYDATA_without_a_struct_or_with_a_null_data_pointer_is_refused()
    {
        Assert.False(MessagePayloadReader.TryCopy(WindowMessages.WM_COPYDATA, 0, 64, out _));

        var header = new Interop.User32.COPYDATASTRUCT { dwData = 1, cbData = 8, lpData = null };
        Assert.False(MessagePayloadReader.TryCopy(WindowMessages.WM_COPYDATA, (nint)(&header), 64, out _));
    }

    [Fact]
    public void A_settings_string_is_copied_and_a_zero_lParam_carries_none()
    {
        using UnmanagedPayload payload = UnmanagedPayload.Create(new WindowMessagePayload.Text("intl"));

        Assert.True(MessagePayloadReader.TryCopy(WindowMessages.WM_SETTINGCHANGE, payload.LParam, 64, out WindowMessagePayload? text));
        Assert.Equal(new WindowMessagePayload.Text("intl"), text);

        Assert.True(MessagePayloadReader.TryCopy(WindowMessages.WM_SETTINGCHANGE, 0, 64, out WindowMessagePayload? none));
        Assert.Null(none);
    }

    [Fact]
    public void An_unterminated_string_is_cut_at_the_limit_instead_of_running_on()
    {
        int length = MessagePayloadReader.MaxTextChars + 10;
        char* memory = (char*)NativeMemory.Alloc((nuint)length * sizeof(char));
        try
        {
            new Span<char>(memory, length).Fill('x');
            Assert.True(MessagePayloadReader.TryCopy(WindowMessages.WM_SETTINGCHANGE, (nint)memory, 64, out WindowMessagePayload? text));
            Assert.Equal(MessagePayloadReader.MaxTextChars, Assert.IsType<WindowMessagePayload.Text>(text).Value.Length);
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Fact]
    public void Registered_messages_carry_no_payload_whatever_their_lParam()
    {
        Assert.True(MessagePayloadReader.TryCopy(0xC010, 0x1234, 64, out WindowMessagePayload? payload));
        Assert.Null(payload);
    }
}
