using System.Net;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// A request body the test writes to while the call is in flight (client streaming and duplex by hand). The body
/// ends (END_STREAM) when <see cref="Complete"/> is called.
/// </summary>
internal sealed class PushContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task WriteAsync(byte[] bytes)
    {
        var stream = await _stream.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    public void Complete() => _done.TrySetResult();

    /// <summary>Fails the request body mid-way: SocketsHttpHandler then resets the stream (RST_STREAM CANCEL).</summary>
    public void Abort() => _done.TrySetException(new IOException("The test aborted the request body."));

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _stream.TrySetResult(stream);
        await _done.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
