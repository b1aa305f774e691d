using NotifyBroker.Contracts.V1;
using Grpc.Net.Client;
using NotifyBroker.Contracts.Observability;
using NotifyBroker.Observability.Tests.TestSupport;
using static NotifyBroker.Observability.Tests.Otlp.Trace.Span.Types;
using SpanStatusCode = NotifyBroker.Observability.Tests.Otlp.Trace.Status.Types.StatusCode;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Observability.Tests.Tracing;

/// <summary>
/// From a Broadcast or a Send to the events subscribers receive: the received window message gets a span linked to
/// the broadcast; every event carries the trace context a subscriber continues; each Subscribe stream's span links
/// to the events it delivered (no span per delivery).
/// </summary>
public sealed class DeliveryTraceTests
{
    private const string SubscribeSpan = "notify.v1.Notifier/Subscribe";

    [Fact]
    public async Task A_broadcast_is_traced_to_the_received_message_and_on_to_the_subscriber_that_got_it()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        await using var broker = await TracedBroker.StartAsync(receiver);
        using var subscriberChannel = InProcessBrokerHost.CreateChannel(broker.Address);
        var stream = EventStreams.Subscribe(subscriberChannel, new SubscribeRequest { RegisteredNames = { "NotifyBroker.Traced" } });
        await stream.OpenAsync();

        var reply = await broker.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Traced", Wparam = 7 });
        var delivered = await stream.NextAsync();
        Assert.Equal(NotifyBroker.Contracts.V1.Event.KindOneofCase.WindowMessage, delivered.KindCase);
        stream.Dispose(); // ends the Subscribe call, and with it its span

        var spans = await receiver.WaitForSpansAsync(
            s => s.Any(x => x.Name == "listener.receive") && s.Any(x => x.Name == "desktop.broadcast") &&
                 s.Count(x => x.Kind == SpanKind.Server) == 2,
            broker.Flush);
        var client = Assert.Single(spans, s => s.Kind == SpanKind.Client && s.Name == "notify.v1.Notifier/Broadcast");
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Broadcast");
        var register = Assert.Single(spans, s => s.Name == "desktop.register_message");
        var broadcast = Assert.Single(spans, s => s.Name == "desktop.broadcast");
        var receive = Assert.Single(spans, s => s.Name == "listener.receive");
        var subscribe = Assert.Single(spans, s => s.Name == SubscribeSpan);

        // Broadcast RPC → its desktop calls, in one trace.
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(server.SpanId, register.ParentSpanId);
        Assert.Equal(server.SpanId, broadcast.ParentSpanId);
        Assert.Equal(client.TraceId, broadcast.TraceId);
        Assert.Equal((long)reply.MessageId, broadcast.Attributes["win32.message_id"]);

        // The listener window's receive span: a trace of its own, linked to the broadcast that caused it.
        Assert.Equal(SpanKind.Consumer, receive.Kind);
        Assert.Equal("", receive.ParentSpanId);
        var link = Assert.Single(receive.Span.Links);
        Assert.Equal(broadcast.TraceId, OtlpValues.Hex(link.TraceId));
        Assert.Equal(broadcast.SpanId, OtlpValues.Hex(link.SpanId));
        Assert.Equal((long)delivered.Position.Offset, receive.Attributes["notify.position"]);

        // The subscriber's event continues the receive span's trace...
        Assert.Equal(receive.TraceParent, delivered.Traceparent);

        // ...and the Subscribe stream's span links to it, with a delivery event, instead of a span per delivery.
        Assert.Equal(SpanKind.Server, subscribe.Kind);
        var delivery = Assert.Single(subscribe.Span.Links);
        Assert.Equal(receive.TraceId, OtlpValues.Hex(delivery.TraceId));
        Assert.Equal(receive.SpanId, OtlpValues.Hex(delivery.SpanId));
        Assert.Equal((long)delivered.Position.Offset, OtlpValues.ToDictionary(delivery.Attributes)["notify.position"]);
        var deliveredEvent = Assert.Single(subscribe.Span.Events, e => e.Name == "notify.delivered");
        Assert.Equal((long)delivered.Position.Offset, OtlpValues.ToDictionary(deliveredEvent.Attributes)["notify.position"]);
        Assert.Equal(1L, subscribe.Attributes["notify.deliveries"]);
        Assert.Equal(1L, subscribe.Attributes[RpcAttributes.GrpcStatusCode]); // CANCELLED: the subscriber left
        Assert.Equal(SpanStatusCode.Unset, subscribe.StatusCode);
    }

    [Fact]
    public async Task An_alias_message_carries_the_Send_call_trace_to_the_subscriber_holding_the_alias()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        await using var broker = await TracedBroker.StartAsync(receiver);
        using var subscriberChannel = InProcessBrokerHost.CreateChannel(broker.Address);
        using var stream = EventStreams.Subscribe(subscriberChannel, new SubscribeRequest { HoldAliases = { "ops" } });
        await stream.OpenAsync();

        var reply = await broker.Client.SendAsync("ops", "disk full");
        Assert.Equal(SendPath.Alias, reply.Path);
        var delivered = await stream.NextAsync();
        Assert.Equal("disk full", delivered.AliasMessage.Text);

        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.Kind == SpanKind.Server && x.Name == "notify.v1.Notifier/Send"), broker.Flush);
        var client = Assert.Single(spans, s => s.Kind == SpanKind.Client && s.Name == "notify.v1.Notifier/Send");
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Send");
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(server.TraceParent, delivered.Traceparent);
    }

    [Fact]
    public async Task A_stream_ended_by_shutdown_is_exported_when_the_host_stops_without_an_explicit_flush()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        var broker = await TracedBroker.StartAsync(receiver, "OTEL_BSP_SCHEDULE_DELAY=600000");
        await using (broker)
        {
            using var subscriberChannel = InProcessBrokerHost.CreateChannel(broker.Address);
            using var stream = EventStreams.Subscribe(subscriberChannel, new SubscribeRequest());
            await stream.OpenAsync();
            await broker.StopAsync();
        }

        // No flush here: stopping the host shut the providers down after the stream's span ended.
        var subscribe = Assert.Single(receiver.Spans, s => s.Name == SubscribeSpan);
        Assert.Equal(14L, subscribe.Attributes[RpcAttributes.GrpcStatusCode]); // UNAVAILABLE: broker stopping
        Assert.Equal(SpanStatusCode.Error, subscribe.StatusCode);
        Assert.Equal(0L, subscribe.Attributes["notify.deliveries"]);
    }
}
