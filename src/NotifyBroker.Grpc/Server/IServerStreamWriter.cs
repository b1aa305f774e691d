namespace NotifyBroker.Grpc.Server;

/// <summary>A server-streaming or bidi handler's response stream.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>
    /// Writes a message that is already serialized (the protobuf bytes of one <typeparamref name="T"/>, without
    /// the 5-byte gRPC prefix). Lets a broadcaster serialize an event once and hand the same bytes to every stream.
    /// </summary>
    ValueTask WriteSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Flushes messages written with <see cref="WriteFlags.BufferHint"/>.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
