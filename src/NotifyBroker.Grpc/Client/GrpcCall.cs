using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// The life of one call, whatever its kind: sending the HTTP/2 request, checking the response headers, the deadline
/// timer, cancellation, and settling the final status exactly once (whichever of the response, the deadline, the
/// caller's token or Dispose gets there first). Messages are read in <see cref="GrpcCall{TRequest, TResponse}"/> and
/// written by <see cref="UnaryRequestContent"/> / <see cref="ClientStreamWriter{TRequest}"/>.
/// </summary>
internal abstract class GrpcCall : IDisposable
{
    // System.Threading.Timer accepts at most 0xFFFFFFFE ms (about 49.7 days); longer deadlines re-arm.
    private const long MaxTimerDueMilliseconds = 0xFFFFFFFE;

    private static readonly Status MissingStatus = new(StatusCode.Unknown, "No grpc-status found on response.");

    private readonly CancellationTokenSource _callCts = new();
    private ClientCallObserver? _observer;
    private object? _observerState;
    private CancellationTokenRegistration _callerCancellation;
    private Timer? _deadlineTimer;
    private DateTime _deadline;
    private HttpResponseMessage? _response;
    private CallResult? _result;
    private Task<Metadata>? _responseHeaders;

    protected GrpcCall(GrpcChannel channel) => Channel = channel;

    protected GrpcChannel Channel { get; }

    /// <summary>Cancelled when the call ends with a non-OK status; every wait of the call observes it.</summary>
    internal CancellationToken CallToken => _callCts.Token;

    internal bool IsFinished => Volatile.Read(ref _result) is not null;

    /// <summary>The streaming request body, stopped when the call ends; null for unary and server-streaming calls.</summary>
    private protected StreamingRequestContent? RequestContent { get; set; }

    /// <summary>Completes with the response headers once they are received and checked.</summary>
    private protected Task<HttpResponseMessage> ResponseTask { get; private set; } = null!;

    /// <summary>The OK status of a Trailers-Only response (no messages follow); null otherwise.</summary>
    private protected Status? TrailersOnlyStatus { get; private set; }

    /// <summary>The response's grpc-encoding, for messages that arrive with the Compressed-Flag set.</summary>
    private protected string? ResponseEncoding { get; private set; }

    public Task<Metadata> ResponseHeadersAsync => _responseHeaders ??= ReadResponseHeadersAsync();

    public Status GetStatus() => (Volatile.Read(ref _result) ?? throw InProgress("status")).Status;

    public Metadata GetTrailers() => (Volatile.Read(ref _result) ?? throw InProgress("trailers")).Trailers;

    /// <summary>Cancels the call unless it has already ended; the server gets RST_STREAM(CANCEL).</summary>
    public void Dispose() => Cancel(GrpcProtocolStatus.Cancelled);

    /// <summary>Ends the call now with <paramref name="status"/> (no-op if it has already ended).</summary>
    internal void Cancel(Status status) => Finish(status, trailers: null, trailerSource: null);

    /// <summary>
    /// Sends <paramref name="request"/>, or, when <paramref name="failure"/> is given or the deadline/token already
    /// expired, ends the call without sending anything.
    /// </summary>
    private protected void Start(
        HttpRequestMessage request, string serviceName, string methodName, MethodType methodType,
        in CallOptions options, Status? failure)
    {
        var observer = Channel.CallObserver;
        if (observer is null)
        {
            StartCore(request, options, failure);
            return;
        }

        // The observer may start an activity (the client span) so that the request is sent under it; the caller
        // must not be left running under that span once the call method returns.
        var callerActivity = Activity.Current;
        try
        {
            _observerState = observer.CallStarting(new ClientCallStart(request, serviceName, methodName, methodType));
            _observer = observer;
            StartCore(request, options, failure);
        }
        finally
        {
            Activity.Current = callerActivity;
        }
    }

    private void StartCore(HttpRequestMessage request, in CallOptions options, Status? failure)
    {
        if (failure is { } status)
        {
            FailBeforeSending(status);
            return;
        }

        var hasDeadline = false;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            _deadline = deadline.Kind == DateTimeKind.Local ? deadline.ToUniversalTime() : deadline;
            var timeout = _deadline - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                FailBeforeSending(GrpcProtocolStatus.DeadlineExceeded);
                return;
            }

            request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Format(timeout));
            hasDeadline = true;
        }

        var callerToken = options.CancellationToken;
        if (callerToken.CanBeCanceled)
        {
            if (callerToken.IsCancellationRequested)
            {
                FailBeforeSending(GrpcProtocolStatus.Cancelled);
                return;
            }

            _callerCancellation = callerToken.UnsafeRegister(
                static state => ((GrpcCall)state!).Cancel(GrpcProtocolStatus.Cancelled), this);
            if (IsFinished)
            {
                _callerCancellation.Dispose();
            }
        }

        ResponseTask = SendAsync(request);
        if (hasDeadline)
        {
            ArmDeadlineTimer();
        }
    }

    private void FailBeforeSending(Status status)
    {
        Finish(status, trailers: null, trailerSource: null);
        ResponseTask = Task.FromException<HttpResponseMessage>(FinalException());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response;
        try
        {
            response = await Channel.Invoker.SendAsync(request, _callCts.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            throw Fail(exception);
        }

        Interlocked.Exchange(ref _response, response);
        if (IsFinished)
        {
            // Cancelled (deadline, token, Dispose) while the headers were on their way.
            response.Dispose();
            throw FinalException();
        }

        // Trailers-Only: the status travels in the headers. If grpc-status is present it decides, whatever :status says.
        if (HttpHeadersReader.TryReadStatus(response.Headers, out var status))
        {
            if (status.StatusCode != StatusCode.OK)
            {
                Finish(status, HttpHeadersReader.ToMetadata(response.Headers), trailerSource: null);
                throw FinalException();
            }

            TrailersOnlyStatus = status;
            return response;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var httpStatus = (int)response.StatusCode;
            Finish(
                new Status(HttpStatusMapping.ToStatusCode(httpStatus), $"Bad gRPC response. HTTP status code: {httpStatus}."),
                HttpHeadersReader.ToMetadata(response.Headers),
                trailerSource: null);
            throw FinalException();
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            Finish(
                new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType ?? "(none)"}."),
                HttpHeadersReader.ToMetadata(response.Headers),
                trailerSource: null);
            throw FinalException();
        }

        ResponseEncoding = HttpHeadersReader.FirstValue(response.Headers, GrpcProtocolConstants.MessageEncodingHeader);
        return response;
    }

    /// <summary>The status in the trailers of a response read to its end (UNKNOWN if the server sent none).</summary>
    private protected static Status ReadTrailerStatus(HttpResponseMessage response) =>
        HttpHeadersReader.TryReadStatus(response.TrailingHeaders, out var status) ? status : MissingStatus;

    /// <summary>
    /// Settles the call's outcome; false if it had already been settled. A non-OK status also stops everything still
    /// running: the HTTP/2 stream is reset (RST_STREAM CANCEL) if it is still open and pending reads/writes fail.
    /// </summary>
    private protected bool Finish(Status status, Metadata? trailers, HttpHeaders? trailerSource)
    {
        var result = new CallResult(status, trailers, trailerSource);
        if (Interlocked.CompareExchange(ref _result, result, null) is not null)
        {
            return false;
        }

        _deadlineTimer?.Dispose();
        _callerCancellation.Dispose();
        if (status.StatusCode != StatusCode.OK)
        {
            _callCts.Cancel();
        }

        // The response body has been read to its end (OK) or is abandoned (error): either way the stream is done.
        Volatile.Read(ref _response)?.Dispose();
        RequestContent?.Abort();

        if (_observer is { } observer)
        {
            try
            {
                observer.CallEnded(_observerState, status);
            }
            catch (Exception)
            {
                // An observer's failure must not change the call's outcome or crash a timer thread.
            }
        }

        return true;
    }

    /// <summary>
    /// Ends the call because of <paramref name="exception"/> (unless it has already ended) and returns the exception
    /// the caller should see: the call's final status as an <see cref="RpcException"/>.
    /// </summary>
    internal RpcException Fail(Exception exception)
    {
        if (!IsFinished)
        {
            var status = exception switch
            {
                // Raised locally by the protocol layer: message too large, bad framing, undecodable message.
                RpcException rpcException => rpcException.Status,
                // Only Finish cancels the call's token, so an unexplained cancellation is the handler's own.
                OperationCanceledException => GrpcProtocolStatus.Cancelled,
                _ => StatusMapping.FromTransportException(exception),
            };
            Finish(status, trailers: null, trailerSource: null);
        }

        return FinalException();
    }

    /// <summary>
    /// The exception a write (or half-close) sees: the final status if the call has ended (or, if it ended OK,
    /// <see cref="InvalidOperationException"/>), otherwise the transport failure that stopped the write.
    /// </summary>
    internal Exception ExceptionForWrite(Exception? cause)
    {
        if (Volatile.Read(ref _result) is { } result)
        {
            return result.Exception ?? (Exception)new InvalidOperationException("Can't write the message because the call is complete.");
        }

        return cause is RpcException rpcException
            ? rpcException
            : new RpcException(StatusMapping.FromTransportException(cause ?? new InvalidOperationException("The request stream is closed.")));
    }

    /// <summary>The exception for the call's final status (or, if it ended OK, for using it afterwards).</summary>
    private protected RpcException FinalException()
    {
        var result = Volatile.Read(ref _result)!;
        return result.Exception ?? new RpcException(new Status(StatusCode.Internal, "The call has already completed."));
    }

    /// <summary>The settled status, if the call has ended.</summary>
    private protected bool TryGetFinalStatus(out Status status)
    {
        if (Volatile.Read(ref _result) is { } result)
        {
            status = result.Status;
            return true;
        }

        status = default;
        return false;
    }

    private async Task<Metadata> ReadResponseHeadersAsync()
    {
        try
        {
            var response = await ResponseTask.ConfigureAwait(false);
            return HttpHeadersReader.ToMetadata(response.Headers);
        }
        catch (RpcException) when (Volatile.Read(ref _response) is { } response)
        {
            // A Trailers-Only error or a bad HTTP status still came with headers: report them, as other stacks do.
            return HttpHeadersReader.ToMetadata(response.Headers);
        }
    }

    private void ArmDeadlineTimer()
    {
        var dueMilliseconds = Math.Clamp((long)Math.Ceiling((_deadline - DateTime.UtcNow).TotalMilliseconds), 0, MaxTimerDueMilliseconds);
        if (_deadlineTimer is { } timer)
        {
            try
            {
                timer.Change(dueMilliseconds, Timeout.Infinite);
            }
            catch (ObjectDisposedException)
            {
                // The call ended meanwhile.
            }

            return;
        }

        // The timer must not capture the caller's ExecutionContext (AsyncLocals, activities) for the call's lifetime.
        var restoreFlow = !ExecutionContext.IsFlowSuppressed();
        if (restoreFlow)
        {
            ExecutionContext.SuppressFlow();
        }

        try
        {
            _deadlineTimer = new Timer(static state => ((GrpcCall)state!).OnDeadlineTimer(), this, dueMilliseconds, Timeout.Infinite);
        }
        finally
        {
            if (restoreFlow)
            {
                ExecutionContext.RestoreFlow();
            }
        }

        if (IsFinished)
        {
            _deadlineTimer.Dispose();
        }
    }

    private void OnDeadlineTimer()
    {
        if (IsFinished)
        {
            return;
        }

        // Timer ticks and the wall clock can disagree slightly, and very long deadlines need several rounds.
        if (DateTime.UtcNow < _deadline)
        {
            ArmDeadlineTimer();
            return;
        }

        Cancel(GrpcProtocolStatus.DeadlineExceeded);
    }

    private static InvalidOperationException InProgress(string what) =>
        new($"Unable to get the {what} because the call is not complete.");

    /// <summary>The settled outcome. Trailers are turned into metadata only if someone asks for them.</summary>
    private sealed class CallResult
    {
        private readonly HttpHeaders? _trailerSource;
        private Metadata? _trailers;

        public CallResult(Status status, Metadata? trailers, HttpHeaders? trailerSource)
        {
            Status = status;
            _trailers = trailers;
            _trailerSource = trailerSource;
            if (status.StatusCode != StatusCode.OK)
            {
                Exception = new RpcException(status, Trailers);
            }
        }

        public Status Status { get; }

        public RpcException? Exception { get; }

        public Metadata Trailers => _trailers ??= _trailerSource is null ? new Metadata() : HttpHeadersReader.ToMetadata(_trailerSource);
    }
}
