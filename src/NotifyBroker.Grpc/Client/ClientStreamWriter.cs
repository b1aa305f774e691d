using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// The request stream of a client-streaming or duplex call: frames each message straight into the request body's
/// pipe and flushes it (one DATA frame per message unless <see cref="WriteFlags.BufferHint"/>).
/// </summary>
internal sealed class ClientStreamWriter<TRequest> : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
{
    private readonly GrpcCall _call;
    private readonly StreamingRequestContent _content;
    private readonly GrpcMessageWriter _messageWriter;
    private int _writeInProgress;
    private bool _completed;

    public ClientStreamWriter(GrpcCall call, StreamingRequestContent content, GrpcMessageWriter messageWriter, WriteOptions? writeOptions)
    {
        _call = call;
        _content = content;
        _messageWriter = messageWriter;
        WriteOptions = writeOptions;
    }

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// For a client-streaming call, the response task: when a write fails because the server has already ended the
    /// call, waiting for it yields the server's real status instead of a transport error.
    /// </summary>
    internal Task? ResponseCompletion { get; set; }

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed)
        {
            throw new InvalidOperationException("Can't write the message because the request stream has been completed.");
        }

        if (Interlocked.Exchange(ref _writeInProgress, 1) == 1)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is still in progress.");
        }

        return WriteCoreAsync(message, cancellationToken);
    }

    public Task CompleteAsync()
    {
        if (Volatile.Read(ref _writeInProgress) == 1)
        {
            throw new InvalidOperationException("Can't complete the request stream while a write is in progress.");
        }

        if (_completed)
        {
            return Task.CompletedTask;
        }

        _completed = true;
        return CompleteCoreAsync();
    }

    private async Task WriteCoreAsync(TRequest message, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall)state!).Cancel(GrpcProtocolStatus.Cancelled), _call)
            : default;
        try
        {
            if (_call.IsFinished)
            {
                throw _call.ExceptionForWrite(cause: null);
            }

            var body = await _content.Body.ConfigureAwait(false);
            var flags = WriteOptions?.Flags ?? WriteFlags.None;
            _messageWriter.Write(body, message, compress: (flags & WriteFlags.NoCompress) == 0);
            if ((flags & WriteFlags.BufferHint) == 0)
            {
                await body.FlushAsync(_call.CallToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            throw await WriteFailureAsync(exception).ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            Volatile.Write(ref _writeInProgress, 0);
        }
    }

    private async Task CompleteCoreAsync()
    {
        if (!_call.IsFinished)
        {
            try
            {
                var body = await _content.Body.ConfigureAwait(false);
                await body.FlushAsync(_call.CallToken).ConfigureAwait(false);
                _content.Complete();
                return;
            }
            catch (Exception exception)
            {
                if (await WriteFailureAsync(exception).ConfigureAwait(false) is RpcException failed)
                {
                    throw failed;
                }

                return;
            }
        }

        // Half-closing a call that has already ended is fine if it ended OK.
        if (_call.ExceptionForWrite(cause: null) is RpcException callFailed)
        {
            throw callFailed;
        }
    }

    private async Task<Exception> WriteFailureAsync(Exception exception)
    {
        if (!_call.IsFinished)
        {
            if (exception is RpcException)
            {
                // Raised here, e.g. over the send limit: that ends the call.
                return _call.Fail(exception);
            }

            if (ResponseCompletion is { } responseCompletion)
            {
                try
                {
                    await responseCompletion.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Its outcome is read below, from the call.
                }
            }
        }

        return _call.ExceptionForWrite(exception);
    }
}
