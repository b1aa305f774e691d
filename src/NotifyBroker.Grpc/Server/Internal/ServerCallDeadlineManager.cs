using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// Enforces a call's grpc-timeout. Exists only for calls that carry one (no timer, no token source otherwise).
/// When the deadline passes first, it cancels the call's token, sends DEADLINE_EXCEEDED in the trailers, completes
/// the response and resets the stream with CANCEL (PROTOCOL-HTTP2.md: the server "should locally cancel the RPC and
/// send RST_STREAM with CANCEL"). The call and the deadline race to finish the response; <see cref="Gate"/> and a
/// three-state flag make exactly one of them win.
/// </summary>
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

    /// <summary>Serializes response writes against the deadline's own completion of the response.</summary>
    public object Gate { get; } = new();

    public DateTime Deadline { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>True once the deadline won the race; read under <see cref="Gate"/> by writers.</summary>
    public bool IsExceeded => _state == Exceeded;

    /// <summary>Claims the end of the call for the handler. False if the deadline already claimed it.</summary>
    public bool TrySetCallComplete()
    {
        lock (Gate)
        {
            if (_state == Running)
            {
                _state = Completed;
                return true;
            }

            return false;
        }
    }

    /// <summary>Completes once the deadline's response (trailers, completion, reset) has been sent.</summary>
    public Task WhenExceededHandled => _exceededHandled?.Task ?? Task.CompletedTask;

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

        lock (Gate)
        {
            if (_state != Running)
            {
                return;
            }

            _exceededHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _state = Exceeded;
        }

        _ = HandleExceededAsync();
    }

    private async Task HandleExceededAsync()
    {
        var httpContext = _call.HttpContext;
        try
        {
            GrpcServerLog.DeadlineExceeded(_call.Runtime.Logger, _call.Method);

            // First the token: a handler blocked in a write or a read wakes up instead of holding the response.
            try
            {
                await _cancellation.CancelAsync().ConfigureAwait(false);
            }
            catch (AggregateException)
            {
                // A handler's cancellation callback threw; the deadline still has to be enforced.
            }

            lock (Gate)
            {
                _call.WriteStatusUnderGate(GrpcProtocolStatus.DeadlineExceeded);
            }

            var body = httpContext.Features.Get<IHttpResponseBodyFeature>();
            if (body is not null)
            {
                await body.CompleteAsync().ConfigureAwait(false);
            }

            httpContext.Features.Get<IHttpResetFeature>()?.Reset(GrpcProtocolConstants.Http2CancelErrorCode);
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
}
