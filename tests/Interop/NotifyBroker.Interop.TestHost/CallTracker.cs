using Google.Protobuf;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Interop.TestHost;

/// <summary>
/// Counts what happens to the TestService handlers, so that an interop client can check the server side of the
/// cancel and deadline cases (see call_inspector.proto). Every handler is wrapped by one of the Track overloads,
/// which all funnel into <see cref="RunTrackedAsync{T}"/>: the single place that counts. A call counts as cancelled
/// when its handler observed the cancellation (its token had fired when it returned, or an OperationCanceledException
/// escaped it), or when the token fired after the handler returned but before the response completed. Thread-safe.
/// </summary>
public sealed class CallTracker
{
    private long _activeCalls;
    private long _cancelledCalls;
    private long _deadlineExceededCalls;
    private long _completedCalls;

    public CallStats Snapshot() => new()
    {
        ActiveCalls = Interlocked.Read(ref _activeCalls),
        CancelledCalls = Interlocked.Read(ref _cancelledCalls),
        DeadlineExceededCalls = Interlocked.Read(ref _deadlineExceededCalls),
        CompletedCalls = Interlocked.Read(ref _completedCalls),
    };

    public UnaryServerMethod<TRequest, TResponse> Track<TRequest, TResponse>(UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        (request, context) => RunTrackedAsync(context, () => handler(request, context));

    public ClientStreamingServerMethod<TRequest, TResponse> Track<TRequest, TResponse>(
        ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        (requests, context) => RunTrackedAsync(context, () => handler(requests, context));

    public ServerStreamingServerMethod<TRequest, TResponse> Track<TRequest, TResponse>(
        ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        (request, responses, context) => RunTrackedAsync(context, () => AsValueless(handler(request, responses, context)));

    public DuplexStreamingServerMethod<TRequest, TResponse> Track<TRequest, TResponse>(
        DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        (requests, responses, context) => RunTrackedAsync(context, () => AsValueless(handler(requests, responses, context)));

    private async Task<T> RunTrackedAsync<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        Interlocked.Increment(ref _activeCalls);
        var cancellationEscaped = false;
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationEscaped = true;
            throw;
        }
        finally
        {
            if (cancellationEscaped || context.CancellationToken.IsCancellationRequested)
            {
                CountCancelled(context);
            }
            else
            {
                CountIfCancelledBeforeResponseCompleted(context);
            }

            // Completed before no longer active, so that a client polling until active_calls is back to its baseline
            // then also sees the completion (and a cancellation the handler observed) of the call.
            Interlocked.Increment(ref _completedCalls);
            Interlocked.Decrement(ref _activeCalls);
        }
    }

    /// <summary>
    /// A handler can end normally and only then have its call cancelled: grpc-js, for one, half-closes (END_STREAM)
    /// right before its RST_STREAM(CANCEL), so the handler sees a clean end of the request stream; and the server
    /// learns of a reset before the token fires (Kestrel cancels RequestAborted on the thread pool). A call whose
    /// token fires before its response completed was cancelled all the same: count it, a little later.
    /// </summary>
    private void CountIfCancelledBeforeResponseCompleted(ServerCallContext context)
    {
        var counted = 0;
        var registration = context.CancellationToken.Register(() =>
        {
            if (Interlocked.Exchange(ref counted, 1) == 0)
            {
                CountCancelled(context);
            }
        });
        context.HttpContext.Response.OnCompleted(() =>
        {
            Interlocked.Exchange(ref counted, 1);
            registration.Dispose();
            return Task.CompletedTask;
        });
    }

    private void CountCancelled(ServerCallContext context)
    {
        Interlocked.Increment(ref _cancelledCalls);

        // A call whose token fired once its grpc-timeout had passed ended by its deadline (whether the server's
        // deadline timer or the client's RST_STREAM got there first, the deadline is why it ended).
        if (context.Deadline != DateTime.MaxValue && DateTime.UtcNow >= context.Deadline)
        {
            Interlocked.Increment(ref _deadlineExceededCalls);
        }
    }

    private static async Task<bool> AsValueless(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }
}
