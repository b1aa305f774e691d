using Microsoft.Extensions.Configuration;
using NotifyBroker.Server.Observability;

namespace NotifyBroker.Observability.Tests.Hosting;

/// <summary>When export is on, read from the standard OTEL_* keys.</summary>
public sealed class TelemetryExportSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_an_endpoint_nothing_is_exported()
    {
        Assert.Null(TelemetryExportSettings.FromConfiguration(Configuration()));
        Assert.Null(TelemetryExportSettings.FromConfiguration(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "  "))));
        Assert.Null(TelemetryExportSettings.FromConfiguration(Configuration(("OTEL_SERVICE_NAME", "x"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))));
    }

    [Fact]
    public void An_endpoint_turns_both_signals_on_with_grpc_unless_another_protocol_is_named()
    {
        var settings = TelemetryExportSettings.FromConfiguration(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")))!;
        Assert.True(settings.ExportsTraces);
        Assert.True(settings.ExportsMetrics);
        Assert.Equal("grpc", settings.Protocol);

        var http = TelemetryExportSettings.FromConfiguration(Configuration(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")))!;
        Assert.Equal("http/protobuf", http.Protocol);
    }

    [Fact]
    public void A_signal_specific_endpoint_turns_on_that_signal_alone()
    {
        var traces = TelemetryExportSettings.FromConfiguration(Configuration(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://jaeger:4318/v1/traces")))!;
        Assert.True(traces.ExportsTraces);
        Assert.False(traces.ExportsMetrics);

        var metrics = TelemetryExportSettings.FromConfiguration(Configuration(("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:4318/v1/metrics")))!;
        Assert.False(metrics.ExportsTraces);
        Assert.True(metrics.ExportsMetrics);
    }

    [Fact]
    public void OTEL_SDK_DISABLED_wins_over_an_endpoint()
    {
        Assert.Null(TelemetryExportSettings.FromConfiguration(Configuration(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), ("OTEL_SDK_DISABLED", "true"))));
        Assert.NotNull(TelemetryExportSettings.FromConfiguration(Configuration(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"), ("OTEL_SDK_DISABLED", "false"))));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("svc", null, true)]
    [InlineData(null, "deployment.environment=prod,service.name=svc", true)]
    [InlineData(null, "deployment.environment=prod", false)]
    [InlineData(null, "my.service.name=x", false)]
    public void The_default_service_name_applies_only_when_configuration_names_none(string? serviceName, string? attributes, bool named)
    {
        var pairs = new List<(string, string)>();
        if (serviceName is not null)
        {
            pairs.Add(("OTEL_SERVICE_NAME", serviceName));
        }

        if (attributes is not null)
        {
            pairs.Add(("OTEL_RESOURCE_ATTRIBUTES", attributes));
        }

        Assert.Equal(named, TelemetryExportSettings.NamesService(Configuration([.. pairs])));
    }
}
