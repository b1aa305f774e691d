using System.Diagnostics;
using NotifyBroker.Core.Events;
using NotifyBroker.Contracts.Observability;

namespace NotifyBroker.Server.Observability;

/// <summary>
/// Ties the events a Subscribe stream delivers to the traces they belong to, on the stream's own server span: a
/// link to each delivered event's trace context (the receive span of a window message, the Send call of an alias
/// message) and a "notify.delivered" span event with its position, and the number delivered when the stream ends.
/// A broadcast to thousands of subscribers thus costs no span per delivery. A stream may live for days, so links
/// and events stop at <see cref="MaxRecorded"/> (OpenTelemetry's default per-span limits); the count goes on.
/// </summary>
internal sealed class SubscribeStreamTrace
{
    /// <summary>Links and span events kept per stream (OTEL_SPAN_LINK_COUNT_LIMIT and _EVENT_COUNT_LIMIT default to 128).</summary>
    internal const int MaxRecorded = 128;

    internal const string DeliveredEventName = "notify.delivered";
    internal const string PositionAttribute = "notify.position";
    internal const string DeliveriesAttribute = "notify.deliveries";

    private readonly Activity _stream;
    private long _delivered;

    private SubscribeStreamTrace(Activity stream) => _stream = stream;

    /// <summary>The trace of the stream whose handler is running, or null when its span is not recorded.</summary>
    public static SubscribeStreamTrace? ForCurrentStream() =>
        Activity.Current is { IsAllDataRequested: true } current && current.Source == RpcTelemetry.Source ? new SubscribeStreamTrace(current) : null;

    /// <summary>The stream handed <paramref name="delivered"/> to its client.</summary>
    public void Delivered(BrokerEvent delivered)
    {
        if (++_delivered > MaxRecorded)
        {
            return;
        }

        var position = (long)delivered.Position.Offset; // OTLP integers are signed 64-bit
        if (delivered.Trace.TraceParent is { } traceParent &&
            ActivityContext.TryParse(traceParent, delivered.Trace.TraceState, isRemote: true, out var context))
        {
            _stream.AddLink(new ActivityLink(context, new ActivityTagsCollection { [PositionAttribute] = position }));
        }

        _stream.AddEvent(new ActivityEvent(DeliveredEventName, tags: new ActivityTagsCollection { [PositionAttribute] = position }));
    }

    /// <summary>The stream ended: record how many events it delivered in all.</summary>
    public void Complete() => _stream.SetTag(DeliveriesAttribute, _delivered);
}
