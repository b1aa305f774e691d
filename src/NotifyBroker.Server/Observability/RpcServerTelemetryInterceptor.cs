using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Contracts.Observability;

namespace NotifyBroker.Server.Observability;

/// <summary>
/// The server span and the rpc.server.duration measurement of every call, after the OpenTelemetry RPC semantic
/// conventions: span "$service/$method" of kind Server, its parent the W3C trace context (traceparent, tracestate)
/// of the request's metadata, rpc.* and server.*/client.* attributes, and the gRPC status code when the call ends.
/// Registered only when telemetry is exported (TelemetryHostingExtensions).
/// </summary>
internal sealed class RpcServerTelemetryInterceptor : Interceptor
{
    /// <summary>ASP.NET Core's own request activity comes from this source when someone listens to it.</summary>
    private const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    private static readonly DistributedContextPropagator.PropagatorGetterCallback HeaderGetter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
    {
        values = null;
        var header = ((IHeaderDictionary)carrier!)[name];
        value = header.Count switch
        {
            0 => null,
            1 => header[0],
            _ => string.Join(',', (IEnumerable<string?>)header),
        };
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var call = Start(context);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            call?.End(context, StatusCode.OK, null, null);
            return response;
        }
        catch (Exception error)
        {
            call?.End(context, StatusOf(error, context), error is RpcException rpc ? rpc.Status.Detail : error.Message, error);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = Start(context);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            call?.End(context, StatusCode.OK, null, null);
        }
        catch (Exception error)
        {
            call?.End(context, StatusOf(error, context), error is RpcException rpc ? rpc.Status.Detail : error.Message, error);
            throw;
        }
    }

    /// <summary>
    /// The semantic conventions' rule for gRPC server spans: only codes that say the server failed make the span an
    /// error. A client's mistake (INVALID_ARGUMENT, NOT_FOUND, ...) leaves the status unset.
    /// </summary>
    public static bool IsServerFault(StatusCode code) => code is
        StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or
        StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss;

    /// <summary>The status Grpc.AspNetCore will answer a call with that ended in <paramref name="error"/>.</summary>
    private static StatusCode StatusOf(Exception error, ServerCallContext context) => error switch
    {
        RpcException rpc => rpc.StatusCode,
        _ when context.CancellationToken.IsCancellationRequested => context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    private static CallRecord? Start(ServerCallContext context)
    {
        var tracing = RpcTelemetry.Source.HasListeners();
        var timing = RpcTelemetry.ServerDuration.Enabled;
        if (!tracing && !timing)
        {
            return null;
        }

        var names = RpcMethodNames.For(context.Method);
        var activity = tracing ? StartServerSpan(context.GetHttpContext(), names) : null;
        return new CallRecord(activity, names, timing ? Stopwatch.GetTimestamp() : 0);
    }

    private static Activity? StartServerSpan(HttpContext http, RpcMethodNames names)
    {
        var request = http.Request;
        var current = Activity.Current;
        ActivityContext parent;
        if (current is not null && current.Source.Name == AspNetCoreSourceName)
        {
            // Someone records ASP.NET Core's request spans: that span already continues the caller's trace, and
            // the RPC span nests under it.
            parent = current.Context;
        }
        else
        {
            DistributedContextPropagator.Current.ExtractTraceIdAndState(request.Headers, HeaderGetter, out var traceParent, out var traceState);
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }

        // Without a remote parent the span is a root: ASP.NET Core's unexported request activity, if any, must not
        // become a parent that no backend ever receives.
        if (parent == default)
        {
            Activity.Current = null;
        }

        var activity = RpcTelemetry.Source.StartActivity(names.SpanName, ActivityKind.Server, parent);
        if (activity is null)
        {
            Activity.Current = current;
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(RpcAttributes.System, RpcAttributes.GrpcSystem);
            activity.SetTag(RpcAttributes.Service, names.Service);
            activity.SetTag(RpcAttributes.Method, names.Method);
            var host = request.Host;
            var connection = http.Connection;
            activity.SetTag(RpcAttributes.ServerAddress, host.HasValue ? host.Host : connection.LocalIpAddress?.ToString());
            activity.SetTag(RpcAttributes.ServerPort, host.Port ?? connection.LocalPort);
            if (connection.RemoteIpAddress is { } remote)
            {
                activity.SetTag(RpcAttributes.ClientAddress, remote.ToString());
                activity.SetTag(RpcAttributes.ClientPort, connection.RemotePort);
            }
        }

        return activity;
    }

    private sealed record CallRecord(Activity? Activity, RpcMethodNames Names, long StartTimestamp)
    {
        public void End(ServerCallContext context, StatusCode code, string? detail, Exception? error)
        {
            // A handler that returns normally after the client reset the stream never sent its OK: the call was cancelled.
            if (code == StatusCode.OK && context.GetHttpContext().RequestAborted.IsCancellationRequested)
            {
                code = StatusCode.Cancelled;
            }

            if (Activity is { } activity)
            {
                if (activity.IsAllDataRequested)
                {
                    activity.SetTag(RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(code));
                    if (IsServerFault(code))
                    {
                        activity.SetStatus(ActivityStatusCode.Error, detail);
                        if (error is not null and not RpcException)
                        {
                            activity.AddException(error);
                        }
                    }
                }

                activity.Stop();
            }

            if (StartTimestamp != 0)
            {
                RpcTelemetry.RecordDuration(RpcTelemetry.ServerDuration, Names, code, StartTimestamp);
            }
        }
    }
}
