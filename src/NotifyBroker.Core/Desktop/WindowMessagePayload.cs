namespace NotifyBroker.Core.Desktop;

/// <summary>
/// Data that a pointer-carrying message carries by value: the bytes of WM_COPYDATA or a string lParam
/// (WM_SETTINGCHANGE). Immutable; copied out of the sender's memory before the window procedure returns.
/// </summary>
public abstract record WindowMessagePayload
{
    private WindowMessagePayload() { }

    /// <summary>WM_COPYDATA's COPYDATASTRUCT: dwData and the bytes at lpData.</summary>
    public sealed record CopyData(ulong Data, ReadOnlyMemory<byte> Bytes) : WindowMessagePayload;

    /// <summary>A string lParam.</summary>
    public sealed record Text(string Value) : WindowMessagePayload;
}
