namespace NotifyBroker.Server.Observability;

/// <summary>
/// Whether the broker exports telemetry, decided from the standard OpenTelemetry variables as the host's
/// configuration sees them (environment variables, or the same keys in appsettings.json or on the command line):
/// export is on when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, or the per-signal _TRACES_/_METRICS_
/// endpoints) and OTEL_SDK_DISABLED is not "true". Everything else (protocol, service name, resource attributes,
/// sampler, batch and export intervals) is read by the OpenTelemetry SDK itself from the same configuration.
/// </summary>
public sealed record TelemetryExportSettings(string? Endpoint, string? TracesEndpoint, string? MetricsEndpoint, string Protocol)
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpointKey = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpointKey = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string SdkDisabledKey = "OTEL_SDK_DISABLED";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string ResourceAttributesKey = "OTEL_RESOURCE_ATTRIBUTES";

    /// <summary>service.name when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names the service.</summary>
    public const string DefaultServiceName = "notifybroker";

    /// <summary>Traces are exported.</summary>
    public bool ExportsTraces => !string.IsNullOrEmpty(TracesEndpoint ?? Endpoint);

    /// <summary>Metrics are exported.</summary>
    public bool ExportsMetrics => !string.IsNullOrEmpty(MetricsEndpoint ?? Endpoint);

    /// <summary>The settings in <paramref name="configuration"/>, or null when nothing is exported.</summary>
    public static TelemetryExportSettings? FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (bool.TryParse(configuration[SdkDisabledKey], out var disabled) && disabled)
        {
            return null;
        }

        var settings = new TelemetryExportSettings(
            NullIfEmpty(configuration[EndpointKey]),
            NullIfEmpty(configuration[TracesEndpointKey]),
            NullIfEmpty(configuration[MetricsEndpointKey]),
            NullIfEmpty(configuration[ProtocolKey]) ?? "grpc");
        return settings.ExportsTraces || settings.ExportsMetrics ? settings : null;
    }

    /// <summary>True when the configuration names the service itself.</summary>
    public static bool NamesService(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[ServiceNameKey]))
        {
            return true;
        }

        var attributes = configuration[ResourceAttributesKey];
        return attributes is not null && attributes.Split(',').Any(static pair => pair.Trim().StartsWith("service.name=", StringComparison.Ordinal));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
