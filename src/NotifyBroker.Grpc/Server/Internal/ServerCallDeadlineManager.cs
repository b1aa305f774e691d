using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// Enforces a call's grpc-timeout. Exists only for calls that carry one (no timer, no token source otherwise).
/// When the deadline passes first, it cancels the call's token, sends DEADLINE_EXCEEDED in the trailers, completes
/// the response and resets the stream with CANCEL (PROTOCOL-HTTP2.md: the server "should locally cancel the RPC and
/// send RST_STREAM with CANCEL"). The call and the deadline race to finish the response; a three-state flag changed
/// by compare-and-swap makes exactly one of them win.
/// </summary>
/// <remarks>
/// The deadline must also never touch the response while the handler is writing a message into it (both would
/// use the same PipeWriter and headers). Writers announce themselves with <see cref="EnterWrite"/> on every
/// message, so that check must cost next to nothing: it is a volatile store and a volatile load, no lock and no
/// interlocked instruction. The deadline side, which runs once per expired call, pays instead: after claiming the
/// call it issues a process-wide memory barrier, after which every writer either already shows as active (and
/// is waited for) or will see the expired state on its next <see cref="EnterWrite"/> (an asymmetric Dekker
/// handshake).
/// </remarks>
internal sealed class ServerCallDeadlineManager : IDisposable
{
    // System.Threading.Timer's longest due time; longer deadlines (up to ~3.2 years) re-arm on each tick.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private const int Running = 0;
    private const int Completed = 1;
    private const int Exceeded = 2;

    private readonly HttpContextServerCallContext _call;
    private readonly CancellationTokenSource _cancellation;
    private readonly Timer _timer;
    private TaskCompletionSource? _exceededHandled;
    private int _state;
    private bool _writerActive;
    private bool _flushPending;

    public ServerCallDeadlineManager(HttpContextServerCallContext call, TimeSpan timeout, CancellationToken requestAborted)
    {
        _call = call;
        Deadline = DateTime.UtcNow + timeout;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

        // Don't capture the request's ExecutionContext into a timer that may outlive it.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = new Timer(static state => ((ServerCallDeadlineManager)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        }

        Arm(timeout);
    }

    public DateTime Deadline { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>True once the deadline won the race.</summary>
    public bool IsExceeded => Volatile.Read(ref _state) == Exceeded;

    /// <summary>Completes once the deadline's response (trailers, completion, reset) has been sent.</summary>
    public Task WhenExceededHandled => Volatile.Read(ref _exceededHandled)?.Task ?? Task.CompletedTask;

    /// <summary>Claims the end of the call for the handler. False if the deadline already claimed it.</summary>
    public bool TrySetCallComplete() => Interlocked.CompareExchange(ref _state, Completed, Running) == Running;

    /// <summary>
    /// Marks the start of a write into the response (headers or a message), which must be followed by
    /// <see cref="ExitWrite"/>. Throws <see cref="OperationCanceledException"/> when the deadline has already
    /// taken over the response. Writes never overlap (the stream writer enforces that), so one flag suffices.
    /// </summary>
    public void EnterWrite()
    {
        Volatile.Write(ref _writerActive, true);
        if (Volatile.Read(ref _state) == Exceeded)
        {
            Volatile.Write(ref _writerActive, false);
            throw new OperationCanceledException("The call's deadline was exceeded.", _cancellation.Token);
        }
    }

    public void ExitWrite() => Volatile.Write(ref _writerActive, false);

    /// <summary>
    /// Whether a flush of the response is still running (set inside an <see cref="EnterWrite"/> section when a
    /// flush doesn't complete at once, cleared when it has). Such a flush waits on HTTP/2 flow control.
    /// </summary>
    public void SetFlushPending(bool pending) => Volatile.Write(ref _flushPending, pending);

    public void Dispose()
    {
        _timer.Dispose();
        _cancellation.Dispose();
    }

    private void Arm(TimeSpan dueTime)
    {
        if (dueTime < TimeSpan.Zero)
        {
            dueTime = TimeSpan.Zero;
        }

        _timer.Change(dueTime > MaxTimerDueTime ? MaxTimerDueTime : dueTime, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        var remaining = Deadline - DateTime.UtcNow;
        if (remaining > TimeSpan.FromMilliseconds(1))
        {
            try
            {
                Arm(remaining);
            }
            catch (ObjectDisposedException)
            {
                // The call finished meanwhile.
            }

            return;
        }

        if (Volatile.Read(ref _state) != Running)
        {
            return;
        }

        // Published before the state: whoever sees Exceeded (the handler's TrySetCallComplete failing) must find
        // something to wait for.
        Volatile.Write(ref _exceededHandled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Interlocked.CompareExchange(ref _state, Exceeded, Running) != Running)
        {
            return;
        }

        _ = HandleExceededAsync();
    }

    private async Task HandleExceededAsync()
    {
        var httpContext = _call.HttpContext;
        try
        {
            GrpcServerLog.DeadlineExceeded(_call.Runtime.Logger, _call.Method);

            // The other half of EnterWrite's handshake: from here on a writer either shows as active or sees Exceeded.
            Interlocked.MemoryBarrierProcessWide();

            // A message being serialized right now is finished first (microseconds: no write waits on I/O). After
            // that no write or flush can start, so _flushPending can only go from true to false.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _writerActive))
            {
                spinner.SpinOnce();
            }

            var reset = httpContext.Features.Get<IHttpResetFeature>();
            if (Volatile.Read(ref _flushPending) && reset is not null)
            {
                // Messages are stuck behind flow control: trailers could not overtake them. End the stream now
                // with CANCEL, and before cancelling the token: a flush cancelled through its token makes Kestrel
                // reset the stream itself, with INTERNAL_ERROR. The reset also completes the pending flush.
                reset.Reset(GrpcProtocolConstants.Http2CancelErrorCode);
                await CancelTokenAsync().ConfigureAwait(false);
                return;
            }

            // The token: a handler blocked in a read (or any wait of its own) wakes up.
            await CancelTokenAsync().ConfigureAwait(false);

            _call.WriteDeadlineStatus(GrpcProtocolStatus.DeadlineExceeded);

            var body = httpContext.Features.Get<IHttpResponseBodyFeature>();
            if (body is not null)
            {
                await body.CompleteAsync().ConfigureAwait(false);
            }

            reset?.Reset(GrpcProtocolConstants.Http2CancelErrorCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The client may be gone already; the call still ends with DEADLINE_EXCEEDED on our side.
            GrpcServerLog.DeadlineCompletionFailed(_call.Runtime.Logger, _call.Method, ex);
        }
        finally
        {
            _exceededHandled!.TrySetResult();
        }
    }

    private async Task CancelTokenAsync()
    {
        try
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
        }
        catch (AggregateException)
        {
            // A handler's cancellation callback threw; the deadline still has to be enforced.
        }
    }
}
