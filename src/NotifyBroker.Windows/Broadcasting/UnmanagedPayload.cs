using System.Runtime.InteropServices;
using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>
/// A payload laid out in unmanaged memory for the duration of one call, so that lParam can point at it: a
/// NUL-terminated UTF-16 string, or a COPYDATASTRUCT followed by its bytes (lpData points just past the struct).
/// </summary>
internal sealed unsafe class UnmanagedPayload : IDisposable
{
    private void* _memory;

    private UnmanagedPayload(void* memory, nuint size)
    {
        _memory = memory;
        Size = size;
    }

    /// <summary>The value to pass as lParam.</summary>
    public nint LParam => (nint)_memory;

    /// <summary>The number of bytes allocated.</summary>
    public nuint Size { get; }

    public static UnmanagedPayload Create(WindowMessagePayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload switch
        {
            WindowMessagePayload.Text text => FromText(text.Value),
            WindowMessagePayload.CopyData copyData => FromCopyData(copyData.Data, copyData.Bytes.Span),
            _ => throw new ArgumentException("Unknown payload kind.", nameof(payload)),
        };
    }

    private static UnmanagedPayload FromText(string text)
    {
        nuint size = (nuint)(text.Length + 1) * sizeof(char);
        char* memory = (char*)NativeMemory.Alloc(size);
        text.AsSpan().CopyTo(new Span<char>(memory, text.Length));
        memory[text.Length] = '\0';
        return new UnmanagedPayload(memory, size);
    }

    private static UnmanagedPayload FromCopyData(ulong data, ReadOnlySpan<byte> bytes)
    {
        nuint size = (nuint)sizeof(Interop.User32.COPYDATASTRUCT) + (nuint)bytes.Length;
        byte* memory = (byte*)NativeMemory.Alloc(size);
        byte* lpData = memory + sizeof(Interop.User32.COPYDATASTRUCT);
        bytes.CopyTo(new Span<byte>(lpData, bytes.Length));
        var header = (Interop.User32.COPYDATASTRUCT*)memory;
        header->dwData = (nuint)data;
        header->cbData = (uint)bytes.Length;
        header->lpData = bytes.Length == 0 ? null : lpData;
        return new UnmanagedPayload(memory, size);
    }

    public void Dispose()
    {
        NativeMemory.Free(_memory);
        _memory = null;
    }
}
