using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using NotifyBroker.Contracts.Observability;

namespace NotifyBroker.Client.Observability;

/// <summary>
/// Tracing and metrics of the SDK's calls, after the OpenTelemetry RPC semantic conventions: a span of kind Client
/// per call ("$service/$method", rpc.* and server.* attributes, the gRPC status code at the end, Error for any
/// non-OK code), rpc.client.duration, and the W3C trace context of that span (or of the caller's activity when
/// nobody records ours) in the request's traceparent/tracestate metadata, so the trace continues on the broker.
/// </summary>
public sealed class RpcClientTelemetryInterceptor : Interceptor
{
    private static readonly DistributedContextPropagator.PropagatorSetterCallback HeaderSetter = static (carrier, name, value) =>
    {
        var headers = (Metadata)carrier!;
        if (value is not null && headers.Get(name) is null)
        {
            headers.Add(name, value);
        }
    };

    private readonly string? _serverAddress;
    private readonly int? _serverPort;

    /// <param name="target">The broker's address (e.g. http://localhost:50051 or "localhost:50051"), for server.address and server.port; null leaves them out.</param>
    public RpcClientTelemetryInterceptor(string? target = null)
    {
        if (target is null)
        {
            return;
        }

        if (Uri.TryCreate(target.Contains("://", StringComparison.Ordinal) ? target : "http://" + target, UriKind.Absolute, out var uri))
        {
            _serverAddress = uri.Host;
            _serverPort = uri.Port;
        }
    }

    /// <summary>One without server.* attributes, e.g. for the client factory, which knows the address only per channel.</summary>
    public static RpcClientTelemetryInterceptor Instance { get; } = new();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var record = Start(ref context);
        var call = continuation(request, context);
        return record is null
            ? call
            : new AsyncUnaryCall<TResponse>(ObserveAsync(call.ResponseAsync, record), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var record = Start(ref context);
        var call = continuation(request, context);
        if (record is null)
        {
            return call;
        }

        return new AsyncServerStreamingCall<TResponse>(
            new ObservedReader<TResponse>(call.ResponseStream, record),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                record.End(StatusCode.Cancelled, "The call was disposed before it ended.");
                call.Dispose();
            });
    }

    private static async Task<TResponse> ObserveAsync<TResponse>(Task<TResponse> response, CallRecord record)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            record.End(StatusCode.OK, null);
            return result;
        }
        catch (RpcException error)
        {
            record.End(error.StatusCode, error.Status.Detail);
            throw;
        }
    }

    private CallRecord? Start<TRequest, TResponse>(ref ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var names = RpcMethodNames.For(context.Method.FullName);
        var caller = Activity.Current;
        var activity = RpcTelemetry.Source.HasListeners() ? StartClientSpan(names) : null;

        // The span belongs to the call, not to the caller's code that runs on after starting it.
        Activity.Current = caller;

        // Propagate even when our span is not recorded: the caller's trace still continues on the server.
        if ((activity ?? Activity.Current) is { } propagated)
        {
            var headers = new Metadata();
            if (context.Options.Headers is { } given)
            {
                foreach (var entry in given)
                {
                    headers.Add(entry);
                }
            }

            DistributedContextPropagator.Current.Inject(propagated, headers, HeaderSetter);
            context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }

        var timing = RpcTelemetry.ClientDuration.Enabled;
        return activity is null && !timing ? null : new CallRecord(activity, names, timing ? Stopwatch.GetTimestamp() : 0);
    }

    private Activity? StartClientSpan(RpcMethodNames names)
    {
        var activity = RpcTelemetry.Source.StartActivity(names.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcAttributes.System, RpcAttributes.GrpcSystem);
            activity.SetTag(RpcAttributes.Service, names.Service);
            activity.SetTag(RpcAttributes.Method, names.Method);
            if (_serverAddress is not null)
            {
                activity.SetTag(RpcAttributes.ServerAddress, _serverAddress);
                activity.SetTag(RpcAttributes.ServerPort, _serverPort);
            }
        }

        return activity;
    }

    /// <summary>One call's span and timer; ended once, however the call ends.</summary>
    private sealed class CallRecord(Activity? activity, RpcMethodNames names, long startTimestamp)
    {
        private int _ended;

        public void End(StatusCode code, string? detail)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            if (activity is not null)
            {
                if (activity.IsAllDataRequested)
                {
                    activity.SetTag(RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(code));
                    if (code != StatusCode.OK)
                    {
                        activity.SetStatus(ActivityStatusCode.Error, detail);
                    }
                }

                activity.Stop();
            }

            if (startTimestamp != 0)
            {
                RpcTelemetry.RecordDuration(RpcTelemetry.ClientDuration, names, code, startTimestamp);
            }
        }
    }

    /// <summary>A response stream that ends the call's record when the stream ends.</summary>
    private sealed class ObservedReader<T>(IAsyncStreamReader<T> inner, CallRecord record) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
                if (!more)
                {
                    record.End(StatusCode.OK, null);
                }

                return more;
            }
            catch (RpcException error)
            {
                record.End(error.StatusCode, error.Status.Detail);
                throw;
            }
        }
    }
}
