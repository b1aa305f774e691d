using Microsoft.Extensions.Logging;

namespace NotifyBroker.Server.Observability;

/// <summary>The observability log messages (source-generated: no formatting unless the level is on).</summary>
internal static partial class ServerTelemetryLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "OpenTelemetry export on: OTLP {Protocol} to {Endpoint} (traces: {Traces}, metrics: {Metrics})")]
    public static partial void ExportStarted(ILogger logger, string? endpoint, string protocol, bool traces, bool metrics);
}
