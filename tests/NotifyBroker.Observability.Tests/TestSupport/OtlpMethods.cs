using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;
using NotifyBroker.Observability.Tests.Otlp.Collector.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Collector.Trace;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>The OTLP/gRPC export methods, described from the transcribed collector protos.</summary>
internal static class OtlpMethods
{
    public static ServiceDescriptor TraceService { get; } = TraceServiceReflection.Descriptor.Services.Single();

    public static ServiceDescriptor MetricsService { get; } = MetricsServiceReflection.Descriptor.Services.Single();

    public static readonly Method<ExportTraceServiceRequest, ExportTraceServiceResponse> ExportTraces =
        MethodLookup.Find<ExportTraceServiceRequest, ExportTraceServiceResponse>(TraceService, "Export");

    public static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> ExportMetrics =
        MethodLookup.Find<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(MetricsService, "Export");
}
