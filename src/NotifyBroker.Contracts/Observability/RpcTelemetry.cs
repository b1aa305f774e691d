using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace NotifyBroker.Contracts.Observability;

/// <summary>
/// The ActivitySource and Meter of notify.v1 calls, both "NotifyBroker.Rpc", shared by the server's and the SDK's
/// interceptors: a span per call (kind Server on the broker, Client in the SDK) and the call-duration histograms,
/// named and tagged after the OpenTelemetry RPC semantic conventions. Nothing is recorded unless someone listens.
/// </summary>
/// <remarks>
/// Grpc.AspNetCore emits no rpc.* spans or metrics, and the ASP.NET Core and GrpcNetClient instrumentations give
/// HTTP-shaped spans (experimental and beta respectively), so the conventions are kept by our interceptors.
/// </remarks>
public static class RpcTelemetry
{
    public const string Name = "NotifyBroker.Rpc";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Server call duration (semconv rpc.server.duration, milliseconds).</summary>
    public static readonly Histogram<double> ServerDuration =
        Meter.CreateHistogram<double>("rpc.server.duration", "ms", "Measures the duration of inbound RPC.");

    /// <summary>Client call duration (semconv rpc.client.duration, milliseconds).</summary>
    public static readonly Histogram<double> ClientDuration =
        Meter.CreateHistogram<double>("rpc.client.duration", "ms", "Measures the duration of outbound RPC.");

    /// <summary>Records one call in <paramref name="duration"/>, from <paramref name="startTimestamp"/> (Stopwatch) to now, with the conventions' tags.</summary>
    public static void RecordDuration(Histogram<double> duration, RpcMethodNames names, StatusCode code, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(duration);
        ArgumentNullException.ThrowIfNull(names);
        var tags = new TagList
        {
            { RpcAttributes.System, RpcAttributes.GrpcSystem },
            { RpcAttributes.Service, names.Service },
            { RpcAttributes.Method, names.Method },
            { RpcAttributes.GrpcStatusCode, RpcAttributes.StatusCodeValue(code) },
        };
        duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, in tags);
    }
}
