using System.IO.Pipelines;
using System.Net;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// The request body of a client-streaming or duplex call. The handler calls <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/>
/// once the HEADERS are on their way; it hands the body to the <see cref="ClientStreamWriter{TRequest}"/> and stays
/// open while the application writes. Returning from it makes the handler send END_STREAM (half-close).
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private static readonly StreamPipeWriterOptions BodyOptions = new(leaveOpen: true);

    private readonly TaskCompletionSource<PipeWriter> _body = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.ContentType = GrpcChannel.GrpcContentType;

    /// <summary>The request body, once the handler has opened it; faults if the call ends first.</summary>
    public Task<PipeWriter> Body => _body.Task;

    /// <summary>Half-closes: every message has been flushed, END_STREAM may go.</summary>
    public void Complete() => _end.TrySetResult(true);

    /// <summary>The call has ended: nothing more will be written, stop waiting.</summary>
    public void Abort()
    {
        _body.TrySetException(new OperationCanceledException("The call has ended."));
        _end.TrySetResult(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Push the HEADERS out now: the server may answer (response headers, a first message) before the application
        // writes anything. .NET 10's handler already flushes them for duplex content; older ones held them until the
        // first DATA frame on a busy connection (dotnet/runtime#96223), and one flush per call is cheap insurance.
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var body = PipeWriter.Create(stream, BodyOptions);
        if (!_body.TrySetResult(body))
        {
            // A second call means the handler is retrying the request (e.g. REFUSED_STREAM) after the writer took
            // the first body: the messages can't be replayed, and returning would send an empty stream as if it
            // were complete. Fail the attempt instead; the call ends UNAVAILABLE and the application may retry.
            throw new InvalidOperationException("A streaming request body can't be sent twice.");
        }

        bool completedByWriter;
        using (cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), _end))
        {
            completedByWriter = await _end.Task.ConfigureAwait(false);
        }

        // Only a graceful half-close touches the writer: on abort a write may still be running on another thread.
        if (completedByWriter)
        {
            await body.CompleteAsync().ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
