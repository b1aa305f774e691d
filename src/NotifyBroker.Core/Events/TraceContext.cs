using System.Diagnostics;
using System.Globalization;

namespace NotifyBroker.Core.Events;

/// <summary>A W3C trace context (traceparent and tracestate headers) as strings, ready for any wire.</summary>
public readonly record struct TraceContext(string? TraceParent, string? TraceState)
{
    public static TraceContext None => default;

    /// <summary>The context of an activity, or <see cref="None"/> when there is no valid one.</summary>
    public static TraceContext From(ActivityContext context)
    {
        if (context == default)
        {
            return None;
        }

        var sampled = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        var traceParent = string.Create(CultureInfo.InvariantCulture, $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{sampled}");
        return new TraceContext(traceParent, string.IsNullOrEmpty(context.TraceState) ? null : context.TraceState);
    }

    /// <summary>The context of <see cref="Activity.Current"/>, or <see cref="None"/>.</summary>
    public static TraceContext FromCurrentActivity() =>
        Activity.Current is { } activity ? From(activity.Context) : None;
}
