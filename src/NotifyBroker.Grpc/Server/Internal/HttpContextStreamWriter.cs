using System.IO.Pipelines;
using System.Runtime.CompilerServices;
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
    // True from the start of a write until it (and its flush, if any) has finished. A plain field, no interlocked
    // exchange per message: writes must not overlap, and one that starts while another still awaits its flush
    // (the way that mistake actually happens) sees the flag set on its own thread. Two threads writing at the very
    // same instant may go unnoticed; that is a programming error this check reports on a best-effort basis.
    private bool _writing;
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
            _writing = false;
            throw;
        }

        if ((flags & WriteFlags.BufferHint) != 0)
        {
            _writing = false;
            return Task.CompletedTask;
        }

        // The interface hands out a Task here: the slow path is an async Task method, never a ValueTask.AsTask().
        var flush = StartFlush(cancellationToken);
        return FinishedSynchronously(flush) ? Task.CompletedTask : AwaitFlushTaskAsync(flush);
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
            _writing = false;
            throw;
        }

        if ((flags & WriteFlags.BufferHint) != 0)
        {
            _writing = false;
            return ValueTask.CompletedTask;
        }

        var flush = StartFlush(cancellationToken);
        return FinishedSynchronously(flush) ? ValueTask.CompletedTask : AwaitFlushAsync(flush);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Enter();
        var flush = StartFlush(cancellationToken);
        return FinishedSynchronously(flush) ? ValueTask.CompletedTask : AwaitFlushAsync(flush);
    }

    /// <summary>The handler returned: the stream is closed for writing.</summary>
    public void Complete() => _completed = true;

    private WriteFlags Enter()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Cannot write to the response stream after the call has ended.");
        }

        if (_writing)
        {
            throw new InvalidOperationException("A previous write is still in progress: writes must not overlap.");
        }

        _writing = true;
        return call.WriteOptions?.Flags ?? WriteFlags.None;
    }

    private ValueTask<FlushResult> StartFlush(CancellationToken cancellationToken)
    {
        var deadline = call.DeadlineManager;
        try
        {
            if (deadline is null)
            {
                return call.ResponseBody.FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
            }

            // Started inside a write section, so the deadline knows whether a flush is stuck when it strikes.
            deadline.EnterWrite();
            try
            {
                var flush = call.ResponseBody.FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
                if (!flush.IsCompleted)
                {
                    deadline.SetFlushPending(true);
                }

                return flush;
            }
            finally
            {
                deadline.ExitWrite();
            }
        }
        catch
        {
            _writing = false;
            throw;
        }
    }

    /// <summary>Ends a write whose flush did not complete at once.</summary>
    private void EndPendingFlush()
    {
        call.DeadlineManager?.SetFlushPending(false);
        _writing = false;
    }

    /// <summary>
    /// True when the flush completed successfully right away (the write is then over). False when it is still
    /// running or failed: the caller then awaits it, which observes the result and ends the write.
    /// </summary>
    private bool FinishedSynchronously(ValueTask<FlushResult> flush)
    {
        if (!flush.IsCompletedSuccessfully)
        {
            return false;
        }

        try
        {
            CheckFlushResult(flush.Result);
        }
        finally
        {
            _writing = false;
        }

        return true;
    }

    private async Task AwaitFlushTaskAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            CheckFlushResult(await flush.ConfigureAwait(false));
        }
        finally
        {
            EndPendingFlush();
        }
    }

    // Pooled: a stream flushing per batch pays no state-machine allocation per batch.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            CheckFlushResult(await flush.ConfigureAwait(false));
        }
        finally
        {
            EndPendingFlush();
        }
    }

    private void CheckFlushResult(FlushResult result)
    {
        // Completed: the server side of the stream is gone (the client reset it, the connection dropped, or the
        // deadline ended it); nothing written from now on would be read.
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The response stream was canceled.", call.CancellationToken);
        }
    }
}
