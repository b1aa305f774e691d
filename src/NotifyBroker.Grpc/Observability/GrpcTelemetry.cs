using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NotifyBroker.Grpc.Observability;

/// <summary>
/// The gRPC layer's one ActivitySource and one Meter, both named "NotifyBroker.Grpc": a span per call (kind Server on
/// the server, Client in our client) and the call-duration histograms, all named and tagged after the OpenTelemetry
/// RPC semantic conventions. Nothing is recorded unless a listener subscribes to these names.
/// </summary>
public static class GrpcTelemetry
{
    public const string Name = "NotifyBroker.Grpc";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Server call duration (semconv rpc.server.duration, milliseconds).</summary>
    public static readonly Histogram<double> ServerDuration =
        Meter.CreateHistogram<double>("rpc.server.duration", "ms", "Measures the duration of inbound RPC.");

    /// <summary>Client call duration (semconv rpc.client.duration, milliseconds).</summary>
    public static readonly Histogram<double> ClientDuration =
        Meter.CreateHistogram<double>("rpc.client.duration", "ms", "Measures the duration of outbound RPC.");
}
