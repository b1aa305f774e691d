using System.IO.Pipelines;
using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// A call of one method: builds its request body and reads its response messages straight out of the response
/// body's pipe. It is also the response stream of streaming calls (one object per call, not three).
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : GrpcCall, IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly Status NoResponseMessage =
        new(StatusCode.Internal, "Failed to deserialize response message: the server ended the call with OK but sent no message.");

    private static readonly StreamPipeReaderOptions ResponseBodyOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true);

    private readonly Method<TRequest, TResponse> _method;
    private PipeReader? _responseBody;
    private GrpcMessageReader? _messageReader;
    private int _readInProgress;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method)
        : base(channel) => _method = method;

    public TResponse Current { get; private set; } = null!;

    /// <summary>Starts a unary or server-streaming call: the one request message, then END_STREAM.</summary>
    public void StartWithRequest(TRequest request, in CallOptions options)
    {
        var compression = Channel.ResolveCompression(options.CompressionEncoding);
        var size = request.CalculateSize();
        var compress = compression is not null && ((options.WriteOptions?.Flags ?? WriteFlags.None) & WriteFlags.NoCompress) == 0;
        var content = new UnaryRequestContent(request, size, compress ? compression : null, Channel.MaxSendMessageSize);
        var httpRequest = Channel.CreateRequest(_method.FullName, content, options.Headers, compression);
        Status? failure = size > Channel.MaxSendMessageSize ? GrpcProtocolStatus.SentMessageTooLarge : null;
        Start(httpRequest, _method.ServiceName, _method.Name, _method.Type, options, failure);
    }

    /// <summary>Starts a client-streaming or duplex call; the returned writer sends the requests.</summary>
    public ClientStreamWriter<TRequest> StartWithRequestStream(in CallOptions options)
    {
        var compression = Channel.ResolveCompression(options.CompressionEncoding);
        var content = new StreamingRequestContent();
        RequestContent = content;
        var writer = new ClientStreamWriter<TRequest>(this, content, new GrpcMessageWriter(Channel.MaxSendMessageSize, compression), options.WriteOptions);
        var httpRequest = Channel.CreateRequest(_method.FullName, content, options.Headers, compression);
        Start(httpRequest, _method.ServiceName, _method.Name, _method.Type, options, failure: null);
        return writer;
    }

    /// <summary>The single response of a unary or client-streaming call, with the trailers' status checked.</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        try
        {
            var response = await ResponseTask.ConfigureAwait(false);
            TResponse? message = null;
            Status status;
            if (TrailersOnlyStatus is { } trailersOnlyStatus)
            {
                status = trailersOnlyStatus;
            }
            else
            {
                var reader = await GetMessageReaderAsync(response).ConfigureAwait(false);
                if (await reader.MoveNextAsync(CallToken).ConfigureAwait(false))
                {
                    message = ParseCurrent(reader);
                    await reader.EnsureEndOfStreamAsync(CallToken).ConfigureAwait(false);
                }

                status = ReadTrailerStatus(response);
            }

            // "Unary calls that terminate with OK must contain a response message": never fabricate OK.
            if (status.StatusCode == StatusCode.OK && message is null)
            {
                status = NoResponseMessage;
            }

            var trailerSource = TrailersOnlyStatus is null ? response.TrailingHeaders : response.Headers;
            Finish(status, trailers: null, trailerSource);

            // A deadline or cancellation may have won the race to settle the call.
            if (TryGetFinalStatus(out var final) && final.StatusCode == StatusCode.OK)
            {
                return message!;
            }

            throw FinalException();
        }
        catch (Exception exception)
        {
            throw Fail(exception);
        }
        finally
        {
            CompleteResponseBody();
        }
    }

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _readInProgress, 1) == 1)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        return MoveNextCoreAsync(cancellationToken);
    }

    private async Task<bool> MoveNextCoreAsync(CancellationToken cancellationToken)
    {
        // Cancelling a read cancels the call, as in other gRPC stacks: a half-read stream can't be resumed.
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall)state!).Cancel(GrpcProtocolStatus.Cancelled), this)
            : default;
        try
        {
            if (TryGetFinalStatus(out var settled))
            {
                return settled.StatusCode == StatusCode.OK ? false : throw FinalException();
            }

            var response = await ResponseTask.ConfigureAwait(false);
            if (TrailersOnlyStatus is { } trailersOnlyStatus)
            {
                Finish(trailersOnlyStatus, trailers: null, response.Headers);
                return EndOfStream();
            }

            var reader = await GetMessageReaderAsync(response).ConfigureAwait(false);
            if (await reader.MoveNextAsync(CallToken).ConfigureAwait(false))
            {
                Current = ParseCurrent(reader);
                return true;
            }

            Finish(ReadTrailerStatus(response), trailers: null, response.TrailingHeaders);
            return EndOfStream();
        }
        catch (Exception exception)
        {
            CompleteResponseBody();
            throw Fail(exception);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            Volatile.Write(ref _readInProgress, 0);
        }
    }

    private bool EndOfStream()
    {
        CompleteResponseBody();
        TryGetFinalStatus(out var final);
        return final.StatusCode == StatusCode.OK ? false : throw FinalException();
    }

    private async ValueTask<GrpcMessageReader> GetMessageReaderAsync(HttpResponseMessage response)
    {
        if (_messageReader is { } reader)
        {
            return reader;
        }

        var body = await response.Content.ReadAsStreamAsync(CallToken).ConfigureAwait(false);
        _responseBody = PipeReader.Create(body, ResponseBodyOptions);
        return _messageReader = new GrpcMessageReader(_responseBody, Channel.MaxReceiveMessageSize, ResponseEncoding, CompressionProviders.Default);
    }

    private TResponse ParseCurrent(GrpcMessageReader reader)
    {
        try
        {
            // Parsed straight from the pipe's buffers (or the decompression buffer): no intermediate array.
            return _method.ResponseParser.ParseFrom(reader.Current);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(GrpcProtocolStatus.InvalidMessage);
        }
        finally
        {
            reader.ReleaseCurrent();
        }
    }

    private void CompleteResponseBody()
    {
        // Only the reading flow touches the pipe, so completing it here can't race a read.
        _responseBody?.Complete();
        _responseBody = null;
        _messageReader = null;
    }
}
