using NotifyBroker.Observability.Tests.Otlp.Common;
using NotifyBroker.Observability.Tests.Otlp.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Resource;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>One exported metric with its resource and scope.</summary>
public sealed record ExportedMetric(Resource Resource, InstrumentationScope Scope, Metric Metric)
{
    public string Name => Metric.Name;

    /// <summary>The attributes of each data point, whatever the metric's type.</summary>
    public IEnumerable<IReadOnlyDictionary<string, object?>> PointAttributes => Metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => Metric.Sum.DataPoints.Select(static p => OtlpValues.ToDictionary(p.Attributes)),
        Metric.DataOneofCase.Gauge => Metric.Gauge.DataPoints.Select(static p => OtlpValues.ToDictionary(p.Attributes)),
        Metric.DataOneofCase.Histogram => Metric.Histogram.DataPoints.Select(static p => OtlpValues.ToDictionary(p.Attributes)),
        _ => [],
    };

    /// <summary>The sum of a counter's points (int or double), or of a gauge's.</summary>
    public double NumberTotal => Metric.DataCase switch
    {
        Metric.DataOneofCase.Sum => Metric.Sum.DataPoints.Sum(static p => Value(p)),
        Metric.DataOneofCase.Gauge => Metric.Gauge.DataPoints.Sum(static p => Value(p)),
        _ => 0,
    };

    private static double Value(NumberDataPoint point) =>
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
}
