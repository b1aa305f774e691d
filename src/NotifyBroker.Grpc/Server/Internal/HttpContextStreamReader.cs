using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// The request stream of a client-streaming or duplex call. Each message is parsed straight from the request pipe's
/// buffers; when it is already buffered, MoveNext completes synchronously with a cached task. A client that resets
/// the stream or drops the connection ends the read with OperationCanceledException, as a cancellation should.
/// </summary>
internal sealed class HttpContextStreamReader<T>(HttpContextServerCallContext call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private static readonly Task<bool> HasMessage = Task.FromResult(true);
    private static readonly Task<bool> Ended = Task.FromResult(false);

    private readonly GrpcMessageReader _reader = call.CreateRequestReader();
    private T? _current;

    // Set while a MoveNext is in progress. A plain field, like the stream writer's: an overlapping read is a
    // programming error, reported on a best-effort basis without an interlocked instruction per message.
    private bool _reading;

    public T Current => _current ?? throw new InvalidOperationException("No current message: MoveNext has not returned true.");

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_reading)
        {
            throw new InvalidOperationException("A previous MoveNext is still in progress: reads must not overlap.");
        }

        _reading = true;

        ValueTask<bool> pending;
        try
        {
            pending = _reader.MoveNextAsync(cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                return TakeMessage(pending.Result) ? HasMessage : Ended;
            }
        }
        catch (Exception ex) when (ClientAbort.IsAbortException(ex))
        {
            _reading = false;
            throw call.OnRequestAborted(ex);
        }
        catch
        {
            _reading = false;
            throw;
        }

        return MoveNextSlowAsync(pending);
    }

    private async Task<bool> MoveNextSlowAsync(ValueTask<bool> pending)
    {
        try
        {
            return TakeMessage(await pending.ConfigureAwait(false));
        }
        catch (Exception ex) when (ClientAbort.IsAbortException(ex))
        {
            throw call.OnRequestAborted(ex);
        }
        finally
        {
            _reading = false;
        }
    }

    private bool TakeMessage(bool hasMessage)
    {
        try
        {
            if (!hasMessage)
            {
                _current = null;
                return false;
            }

            _current = ServerCallHandler.ParseRequest(parser, _reader.Current);
            call.LastRequestCompressed = _reader.CurrentWasCompressed;

            // Parsed: hand the pipe's buffers back right away rather than at the next read.
            _reader.ReleaseCurrent();
            return true;
        }
        finally
        {
            _reading = false;
        }
    }
}
