using System.Net;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// A request body the test writes to while the call is in flight: the request stays open (no END_STREAM) until
/// <see cref="Complete"/> is called.
/// </summary>
internal sealed class PushContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task WriteAsync(byte[] bytes)
    {
        var stream = await _stream.Task.WaitAsync(Streams.Patience);
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    public void Complete() => _done.TrySetResult();

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
