using NotifyBroker.Contracts.V1;
using Grpc.Net.Client;
using NotifyBroker.Contracts.Observability;
using NotifyBroker.Observability.Tests.Otlp.Metrics;
using NotifyBroker.Observability.Tests.TestSupport;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Observability.Tests.Metrics;

/// <summary>The broker's metrics as the OTLP exporter delivers them: RPC durations per semconv, and the broker's own.</summary>
public sealed class MetricsExportTests
{
    [Fact]
    public async Task RPC_durations_and_the_broker_meters_are_exported_over_OTLP()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        await using var broker = await TracedBroker.StartAsync(receiver);
        using var subscriberChannel = InProcessBrokerHost.CreateChannel(broker.Address);
        using (var stream = EventStreams.Subscribe(subscriberChannel, new SubscribeRequest { HoldAliases = { "ops" }, RegisteredNames = { "NotifyBroker.Metered" } }))
        {
            await stream.OpenAsync();
            await broker.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Metered" });
            await broker.Client.SendAsync("ops", "hello");
            await stream.NextAsync();
            await stream.NextAsync();
        }

        // Cumulative metrics: the latest export of each holds the totals of this host's run.
        var metrics = await receiver.WaitForMetricsAsync(
            m => Latest(m, "rpc.server.duration") is { } duration &&
                 duration.Metric.Histogram.DataPoints.Any(p => Method(p.Attributes) == "Subscribe") &&
                 Latest(m, "notify.broker.deliveries")?.NumberTotal == 2,
            broker.Flush);

        var server = Latest(metrics, "rpc.server.duration")!;
        Assert.Equal("ms", server.Metric.Unit);
        Assert.Equal(AggregationTemporality.Cumulative, server.Metric.Histogram.AggregationTemporality);
        var broadcast = Assert.Single(server.Metric.Histogram.DataPoints, p => Method(p.Attributes) == "Broadcast");
        Assert.Equal(1ul, broadcast.Count);
        var attributes = OtlpValues.ToDictionary(broadcast.Attributes);
        Assert.Equal("grpc", attributes[RpcAttributes.System]);
        Assert.Equal("notify.v1.Notifier", attributes[RpcAttributes.Service]);
        Assert.Equal(0L, attributes[RpcAttributes.GrpcStatusCode]);
        var subscribe = Assert.Single(server.Metric.Histogram.DataPoints, p => Method(p.Attributes) == "Subscribe");
        Assert.Equal(1L, OtlpValues.ToDictionary(subscribe.Attributes)[RpcAttributes.GrpcStatusCode]); // cancelled by the client

        var client = Latest(metrics, "rpc.client.duration")!;
        Assert.Contains(client.Metric.Histogram.DataPoints, p => Method(p.Attributes) == "Send");

        Assert.Equal(1, Latest(metrics, "notify.broker.messages.received")!.NumberTotal);
        Assert.Equal(1, Latest(metrics, "notify.broker.alias_messages")!.NumberTotal);
        Assert.Equal(2, Latest(metrics, "notify.broker.deliveries")!.NumberTotal);
        Assert.NotNull(Latest(metrics, "notify.broker.subscribers.active"));
        Assert.NotNull(Latest(metrics, "notify.broker.subscriber.queue_depth"));
        var history = Latest(metrics, "notify.broker.history.size")!;
        Assert.Equal(Metric.DataOneofCase.Gauge, history.Metric.DataCase);
        Assert.Contains(history.Metric.Gauge.DataPoints, p => p.AsInt == 2);
        Assert.Equal(TracedBroker.ServiceName, OtlpValues.ToDictionary(history.Resource.Attributes)["service.name"]);
    }

    private static ExportedMetric? Latest(IReadOnlyList<ExportedMetric> metrics, string name) => metrics.LastOrDefault(m => m.Name == name);

    private static string? Method(Google.Protobuf.Collections.RepeatedField<Otlp.Common.KeyValue> attributes) =>
        OtlpValues.ToDictionary(attributes).GetValueOrDefault(RpcAttributes.Method) as string;
}
