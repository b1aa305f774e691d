namespace NotifyBroker.Grpc.Client;

/// <summary>A bidirectional-streaming call in flight. Dispose to cancel.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly GrpcCall _call;

    internal AsyncDuplexStreamingCall(
        GrpcCall call, IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    /// <summary>The requests. Writes must not overlap; call CompleteAsync after the last one.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

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
