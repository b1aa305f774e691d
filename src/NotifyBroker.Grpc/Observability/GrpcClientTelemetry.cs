using System.Diagnostics;
using NotifyBroker.Grpc.Client;

namespace NotifyBroker.Grpc.Observability;

/// <summary>
/// A channel's call observer for tracing: a span of kind Client per call ("$service/$method", rpc.* and server.*
/// attributes, the grpc status code at the end, Error for any non-OK code), and the W3C trace context of that span,
/// or of the caller's current activity when nobody records ours, in the request's traceparent/tracestate metadata.
/// Set it as <see cref="GrpcChannelOptions.CallObserver"/>; share <see cref="Instance"/> between channels.
/// </summary>
public sealed class GrpcClientTelemetry : ClientCallObserver
{
    public static GrpcClientTelemetry Instance { get; } = new();

    private static readonly DistributedContextPropagator.PropagatorSetterCallback HeaderSetter = static (carrier, name, value) =>
        ((ClientCallStart)carrier!).SetHeader(name, value);

    public override object? CallStarting(ClientCallStart call)
    {
        var activity = GrpcTelemetry.Source.HasListeners() ? StartClientSpan(call) : null;

        // Propagate even when our span is not recorded: the caller's trace still continues on the server.
        if ((activity ?? Activity.Current) is { } propagated)
        {
            DistributedContextPropagator.Current.Inject(propagated, call, HeaderSetter);
        }

        if (!GrpcTelemetry.ClientDuration.Enabled)
        {
            return activity;
        }

        return new CallState(activity, RpcMethodNames.For(call.ServiceName, call.MethodName), Stopwatch.GetTimestamp());
    }

    public override void CallEnded(object? state, Status status)
    {
        var (activity, timing) = state switch
        {
            Activity a => (a, null),
            CallState s => (s.Activity, s),
            _ => ((Activity?)null, (CallState?)null),
        };

        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(status.StatusCode));
                if (status.StatusCode != StatusCode.OK)
                {
                    activity.SetStatus(ActivityStatusCode.Error, status.Detail);
                }
            }

            activity.Stop();
        }

        if (timing is not null)
        {
            var tags = new TagList
            {
                { RpcAttributes.System, RpcAttributes.GrpcSystem },
                { RpcAttributes.Service, timing.Names.Service },
                { RpcAttributes.Method, timing.Names.Method },
                { RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(status.StatusCode) },
            };
            GrpcTelemetry.ClientDuration.Record(Stopwatch.GetElapsedTime(timing.StartTimestamp).TotalMilliseconds, in tags);
        }
    }

    private static Activity? StartClientSpan(ClientCallStart call)
    {
        var names = RpcMethodNames.For(call.ServiceName, call.MethodName);
        var activity = GrpcTelemetry.Source.StartActivity(names.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcAttributes.System, RpcAttributes.GrpcSystem);
            activity.SetTag(RpcAttributes.Service, names.Service);
            activity.SetTag(RpcAttributes.Method, names.Method);
            var uri = call.RequestUri;
            activity.SetTag(RpcAttributes.ServerAddress, uri.Host);
            activity.SetTag(RpcAttributes.ServerPort, uri.Port);
        }

        return activity;
    }

    private sealed record CallState(Activity? Activity, RpcMethodNames Names, long StartTimestamp);
}
