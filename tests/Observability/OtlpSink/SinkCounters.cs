using NotifyBroker.Observability.Tests.Otlp.Collector.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Collector.Trace;
using NotifyBroker.Observability.Tests.Otlp.Metrics;

namespace NotifyBroker.OtlpSink;

/// <summary>What the sink has received, counted lock-free.</summary>
internal sealed class SinkCounters
{
    private long _traceExports;
    private long _metricExports;
    private long _spans;
    private long _dataPoints;
    private long _bytes;

    public void Count(ExportTraceServiceRequest request)
    {
        Interlocked.Increment(ref _traceExports);
        Interlocked.Add(ref _spans, request.ResourceSpans.Sum(static r => r.ScopeSpans.Sum(static s => (long)s.Spans.Count)));
        Interlocked.Add(ref _bytes, request.CalculateSize());
    }

    public void Count(ExportMetricsServiceRequest request)
    {
        Interlocked.Increment(ref _metricExports);
        Interlocked.Add(ref _dataPoints, request.ResourceMetrics.Sum(static r => r.ScopeMetrics.Sum(static s => s.Metrics.Sum(Points))));
        Interlocked.Add(ref _bytes, request.CalculateSize());
    }

    public object Snapshot() => new
    {
        traceExports = Interlocked.Read(ref _traceExports),
        metricExports = Interlocked.Read(ref _metricExports),
        spans = Interlocked.Read(ref _spans),
        dataPoints = Interlocked.Read(ref _dataPoints),
        bytes = Interlocked.Read(ref _bytes),
    };

    private static long Points(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        _ => 0,
    };
}
