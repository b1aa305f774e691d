using Google.Protobuf;
using Google.Protobuf.Collections;
using NotifyBroker.Observability.Tests.Otlp.Common;
using NotifyBroker.Observability.Tests.Otlp.Resource;
using NotifyBroker.Observability.Tests.Otlp.Trace;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>One span as the receiver decoded it, with readable ids and attributes.</summary>
public sealed record ExportedSpan(Resource Resource, InstrumentationScope Scope, Span Span)
{
    public string Name => Span.Name;

    public Span.Types.SpanKind Kind => Span.Kind;

    public string TraceId => Hex(Span.TraceId);

    public string SpanId => Hex(Span.SpanId);

    /// <summary>The parent's span id, or "" for a root.</summary>
    public string ParentSpanId => Hex(Span.ParentSpanId);

    public Status.Types.StatusCode StatusCode => Span.Status?.Code ?? Status.Types.StatusCode.Unset;

    public IReadOnlyDictionary<string, object?> Attributes => OtlpValues.ToDictionary(Span.Attributes);

    public IReadOnlyDictionary<string, object?> ResourceAttributes => OtlpValues.ToDictionary(Resource.Attributes);

    /// <summary>The W3C traceparent that continues this span, as a subscriber receives it ("00-trace-span-01").</summary>
    public string TraceParent => $"00-{TraceId}-{SpanId}-01";

    public override string ToString() => $"{Name} ({Kind}) {TraceId}/{SpanId} parent {ParentSpanId}";

    internal static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}

/// <summary>Readable forms of OTLP values.</summary>
public static class OtlpValues
{
    public static IReadOnlyDictionary<string, object?> ToDictionary(RepeatedField<KeyValue> attributes) =>
        attributes.ToDictionary(static a => a.Key, static a => ToObject(a.Value));

    public static object? ToObject(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(ToObject).ToArray(),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        _ => null,
    };

    public static string Hex(ByteString bytes) => ExportedSpan.Hex(bytes);
}
