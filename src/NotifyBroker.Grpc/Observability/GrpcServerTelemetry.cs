using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Grpc.Observability;

/// <summary>
/// The server span and the rpc.server.duration measurement of every call, after the OpenTelemetry RPC semantic
/// conventions: span "$service/$method" of kind Server, its parent the W3C trace context (traceparent, tracestate)
/// of the request's metadata, rpc.* and server.* attributes, and the grpc status code when the call ends.
/// Register it with <see cref="GrpcTelemetryServiceCollectionExtensions.AddGrpcServerTelemetry"/>; without a
/// listener on <see cref="GrpcTelemetry.Name"/> it does nothing per call but two flag checks.
/// </summary>
public sealed class GrpcServerTelemetry : IServerCallObserver
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

    public object? OnCallStarting(ServerCallContext context)
    {
        var tracing = GrpcTelemetry.Source.HasListeners();
        var timing = GrpcTelemetry.ServerDuration.Enabled;
        if (!tracing && !timing)
        {
            return null;
        }

        var names = RpcMethodNames.ForPath(context.Method);
        var activity = tracing ? StartServerSpan(context, names) : null;
        return new CallState(activity, names, timing ? Stopwatch.GetTimestamp() : 0);
    }

    public void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception)
    {
        if (state is not CallState call)
        {
            return;
        }

        // A handler that returns normally after the client reset the stream never sent its OK: the call was cancelled.
        if (status.StatusCode == StatusCode.OK && context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            status = Status.DefaultCancelled;
        }

        if (call.Activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(status.StatusCode));
                if (IsServerFault(status.StatusCode))
                {
                    activity.SetStatus(ActivityStatusCode.Error, status.Detail);
                    if (exception is not null and not RpcException)
                    {
                        activity.AddException(exception);
                    }
                }
            }

            activity.Stop();
        }

        if (call.StartTimestamp != 0)
        {
            var tags = new TagList
            {
                { RpcAttributes.System, RpcAttributes.GrpcSystem },
                { RpcAttributes.Service, call.Names.Service },
                { RpcAttributes.Method, call.Names.Method },
                { RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(status.StatusCode) },
            };
            GrpcTelemetry.ServerDuration.Record(Stopwatch.GetElapsedTime(call.StartTimestamp).TotalMilliseconds, in tags);
        }
    }

    /// <summary>
    /// The semantic conventions' rule for gRPC server spans: only codes that say the server failed make the span an
    /// error. A client's mistake (INVALID_ARGUMENT, NOT_FOUND, ...) leaves the status unset.
    /// </summary>
    public static bool IsServerFault(StatusCode code) => code is
        StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or
        StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss;

    private static Activity? StartServerSpan(ServerCallContext context, RpcMethodNames names)
    {
        var request = context.HttpContext.Request;
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

        var activity = GrpcTelemetry.Source.StartActivity(names.SpanName, ActivityKind.Server, parent);
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
            var connection = context.HttpContext.Connection;
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

    private sealed record CallState(Activity? Activity, RpcMethodNames Names, long StartTimestamp);
}
