using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Observability;
using Grpc.Net.Client;
using NotifyBroker.Contracts.Observability;
using Grpc.Core;
using OpenTelemetry.Metrics;
using TracerProvider = OpenTelemetry.Trace.TracerProvider;
using NotifyBroker.Observability.Tests.TestSupport;
using NotifyBroker.Server.Observability;
using static NotifyBroker.Observability.Tests.Otlp.Trace.Span.Types;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Observability.Tests.Hosting;

/// <summary>How the host wires telemetry: off costs nothing, on follows the OTEL_* configuration, logs carry trace ids.</summary>
public sealed class TelemetryHostingTests
{
    [Fact]
    public async Task Without_an_endpoint_no_provider_no_interceptor_and_no_listener_exists()
    {
        await using var broker = await TracedBroker.StartAsync(receiver: null);

        Assert.Null(broker.Services.GetService<TracerProvider>());
        Assert.Null(broker.Services.GetService<MeterProvider>());
        Assert.Null(broker.Services.GetService<RpcServerTelemetryInterceptor>());
        Assert.False(RpcTelemetry.Source.HasListeners());
        Assert.False(BrokerTelemetry.Source.HasListeners());
        Assert.False(RpcTelemetry.ServerDuration.Enabled);
        Assert.False(BrokerTelemetry.Deliveries.Enabled);

        // And the broker works as ever.
        var reply = await broker.Client.ListAliasesAsync();
        Assert.Empty(reply);
    }

    [Fact]
    public async Task Resource_attributes_and_the_sampler_come_from_the_standard_variables_over_OTLP_HTTP()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.HttpProtobuf);
        await using var broker = await TracedBroker.StartAsync(
            receiver,
            "OTEL_RESOURCE_ATTRIBUTES=deployment.environment=test,host.role=broker",
            // Not the default (parent-based): record every call, even one whose caller did not sample its trace.
            "OTEL_TRACES_SAMPLER=always_on");

        // A caller whose trace is not sampled (flags 00): only the configured sampler makes the broker record it.
        using var untraced = InProcessBrokerHost.CreateChannel(broker.Address);
        var notSampledTrace = ActivityTraceId.CreateRandom().ToHexString();
        var headers = new Metadata { { "traceparent", $"00-{notSampledTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-00" } };
        await new Notifier.NotifierClient(untraced).ListAliasesAsync(new ListAliasesRequest(), headers);

        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.Kind == SpanKind.Server), broker.Flush);
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server);
        Assert.Equal(notSampledTrace, server.TraceId);
        Assert.Equal("test", server.ResourceAttributes["deployment.environment"]);
        Assert.Equal("broker", server.ResourceAttributes["host.role"]);
        Assert.Equal(TracedBroker.ServiceName, server.ResourceAttributes["service.name"]);
        Assert.Equal("opentelemetry", server.ResourceAttributes["telemetry.sdk.name"]);
    }

    [Fact]
    public async Task Log_entries_written_during_a_call_carry_its_trace_and_span_ids()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        var logs = new LogCapture();
        await using var broker = await TracedBroker.StartAsync(
            receiver,
            builder => builder.Logging.AddProvider(logs),
            "Logging:LogLevel:NotifyBroker.Server.Notifier=Debug");

        using (var stream = EventStreams.Subscribe(broker.Channel, new SubscribeRequest()))
        {
            await stream.OpenAsync();
        }

        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.Kind == SpanKind.Server), broker.Flush);
        var subscribe = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Subscribe");
        var opened = Assert.Single(logs.Entries, e => e.EventId.Id == 10 && e.Category.StartsWith("NotifyBroker.Server", StringComparison.Ordinal));
        Assert.Equal(subscribe.TraceId, opened.ScopeValues["TraceId"]?.ToString());
        Assert.Equal(subscribe.SpanId, opened.ScopeValues["SpanId"]?.ToString());
    }
}
