namespace NotifyBroker.Grpc;

/// <summary>Reads a stream of messages: the requests of a client- or bidi-streaming handler, or a client's responses.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message that the last successful <see cref="MoveNext"/> read.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}

/// <summary>Writes a stream of messages.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for the next messages written (e.g. to skip compression).</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes one message. Writes must not overlap.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>Per-message write options.</summary>
public sealed record WriteOptions(WriteFlags Flags)
{
    public static readonly WriteOptions Default = new(WriteFlags.None);
}

[Flags]
public enum WriteFlags
{
    None = 0,
    /// <summary>Don't flush after this message: more follow soon.</summary>
    BufferHint = 1,
    /// <summary>Send this message uncompressed even if the call compresses.</summary>
    NoCompress = 2,
}
