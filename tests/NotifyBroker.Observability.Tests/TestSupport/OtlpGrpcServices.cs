using Grpc.Core;
using NotifyBroker.Observability.Tests.Otlp.Collector.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Collector.Trace;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>OTLP/gRPC TraceService/Export on Grpc.AspNetCore: hands each request to the receiver.</summary>
internal sealed class OtlpTraceExport(Func<ExportTraceServiceRequest, ExportTraceServiceResponse> accept) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context) =>
        Task.FromResult(accept(request));
}

/// <summary>OTLP/gRPC MetricsService/Export on Grpc.AspNetCore: hands each request to the receiver.</summary>
internal sealed class OtlpMetricsExport(Func<ExportMetricsServiceRequest, ExportMetricsServiceResponse> accept) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
        Task.FromResult(accept(request));
}
