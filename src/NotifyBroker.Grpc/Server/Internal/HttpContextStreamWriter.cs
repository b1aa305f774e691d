using System.IO.Pipelines;
using Google.Protobuf;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// The response stream of a server-streaming or duplex call. Messages are serialized straight into the response
/// pipe; each write flushes unless it carries <see cref="WriteFlags.BufferHint"/>, so a fan-out writer can batch
/// many messages per flush (and per DATA frame). Overlapping writes and writes after the call ended are errors.
/// </summary>
internal sealed class HttpContextStreamWriter<T>(HttpContextServerCallContext call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private int _writing;
    private volatile bool _completed;

    public WriteOptions? WriteOptions
    {
        get => call.WriteOptions;
        set => call.WriteOptions = value;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var flags = Enter();
        try
        {
            call.WriteMessage(message, flags);
        }
        catch
        {
            Exit();
            throw;
        }

        if ((flags & WriteFlags.BufferHint) != 0)
        {
            Exit();
            return Task.CompletedTask;
        }

        var flush = FlushAndExitAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    public ValueTask WriteSerializedAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var flags = Enter();
        try
        {
            call.WriteSerializedMessage(message.Span, flags);
        }
        catch
        {
            Exit();
            throw;
        }

        if ((flags & WriteFlags.BufferHint) != 0)
        {
            Exit();
            return ValueTask.CompletedTask;
        }

        return FlushAndExitAsync(cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        return FlushAndExitAsync(cancellationToken);
    }

    /// <summary>The handler returned: the stream is closed for writing.</summary>
    public void Complete() => _completed = true;

    private WriteFlags Enter()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Cannot write to the response stream after the call has ended.");
        }

        if (Interlocked.Exchange(ref _writing, 1) != 0)
        {
            throw new InvalidOperationException("A previous write is still in progress: writes must not overlap.");
        }

        return call.WriteOptions?.Flags ?? WriteFlags.None;
    }

    private void Exit() => Volatile.Write(ref _writing, 0);

    private ValueTask FlushAndExitAsync(CancellationToken cancellationToken)
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = call.HttpContext.Response.BodyWriter.FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
            if (flush.IsCompletedSuccessfully)
            {
                CheckFlushResult(flush.Result);
                Exit();
                return ValueTask.CompletedTask;
            }
        }
        catch
        {
            Exit();
            throw;
        }

        return AwaitFlushAsync(flush);
    }

    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            CheckFlushResult(await flush.ConfigureAwait(false));
        }
        finally
        {
            Exit();
        }
    }

    private void CheckFlushResult(FlushResult result)
    {
        if (result.IsCanceled || (result.IsCompleted && call.CancellationToken.IsCancellationRequested))
        {
            throw new OperationCanceledException("The response stream was canceled.", call.CancellationToken);
        }
    }
}
