namespace NotifyBroker.Grpc.Client;

/// <summary>A server-streaming call in flight. Read <see cref="ResponseStream"/>; dispose to cancel.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly GrpcCall _call;

    internal AsyncServerStreamingCall(GrpcCall call, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        ResponseStream = responseStream;
    }

    /// <summary>
    /// The responses. MoveNext returns false after an OK status and throws <see cref="RpcException"/> for any other.
    /// </summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers (custom metadata the server sent before the messages).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> while the call is in progress.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailing metadata; throws <see cref="InvalidOperationException"/> while the call is in progress.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still in progress (RST_STREAM CANCEL) and frees its resources.</summary>
    public void Dispose() => _call.Dispose();
}
