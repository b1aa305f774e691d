using System.Diagnostics;
using NotifyBroker.Contracts.V1;
using Grpc.Net.Client;
using NotifyBroker.Observability.Tests.TestSupport;
using static NotifyBroker.Observability.Tests.Otlp.Trace.Span.Types;
using ContractEvent = NotifyBroker.Contracts.V1.Event;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Observability.Tests.Tracing;

/// <summary>
/// The headline: a trace started by a non-.NET client (grpc-js sending W3C traceparent/tracestate metadata) goes on
/// through the broker's server spans and desktop calls to the events a C# subscriber receives, and the real OTLP
/// exporter delivers it to the receiver as one trace.
/// </summary>
public sealed class GrpcJsTraceTests
{
    [Fact]
    public async Task A_trace_started_by_grpc_js_continues_through_the_broker_to_a_CSharp_subscriber()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        await using var broker = await TracedBroker.StartAsync(receiver);

        // The C# subscriber: holds the alias grpc-js sends to, and listens for the message it broadcasts.
        using var subscriberChannel = InProcessBrokerHost.CreateChannel(broker.Address);
        using var stream = EventStreams.Subscribe(subscriberChannel, new SubscribeRequest
        {
            HoldAliases = { "js-ops" },
            RegisteredNames = { "NotifyBroker.FromNode" },
        });
        await stream.OpenAsync();

        // grpc-js's current span, as its propagator would send it.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var nodeSpanId = ActivitySpanId.CreateRandom().ToHexString();
        var output = await NodeTraceClient.RunAsync(
            "--address", new Uri(broker.Address).Authority,
            "--key", InProcessBrokerHost.AdminKey,
            "--traceparent", $"00-{traceId}-{nodeSpanId}-01",
            "--tracestate", "nodejs=1",
            "--alias", "js-ops",
            "--registered-name", "NotifyBroker.FromNode");
        Assert.Contains("\"call\":\"Send\"", output, StringComparison.Ordinal);
        Assert.Contains("\"call\":\"Broadcast\"", output, StringComparison.Ordinal);

        var aliasEvent = await stream.NextAsync();
        var windowEvent = await stream.NextAsync();
        Assert.Equal(ContractEvent.KindOneofCase.AliasMessage, aliasEvent.KindCase);
        Assert.Equal(ContractEvent.KindOneofCase.WindowMessage, windowEvent.KindCase);

        var spans = await receiver.WaitForSpansAsync(
            s => s.Count(x => x.Kind == SpanKind.Server && x.TraceId == traceId) == 2 && s.Any(x => x.Name == "listener.receive"),
            broker.Flush);

        // Send: grpc-js's span → the server span → the alias event the C# subscriber got, all in grpc-js's trace.
        var send = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Send");
        Assert.Equal(traceId, send.TraceId);
        Assert.Equal(nodeSpanId, send.ParentSpanId);
        Assert.Equal("nodejs=1", send.Span.TraceState);
        Assert.Equal(send.TraceParent, aliasEvent.Traceparent);
        Assert.Equal("nodejs=1", aliasEvent.Tracestate);
        Assert.Equal(traceId, aliasEvent.Traceparent.Split('-')[1]);

        // Broadcast: grpc-js's span → the server span → the desktop's BroadcastSystemMessageEx, in the same trace;
        // the listener window's receive span links back to that call and is what the window-message event carries.
        var broadcastRpc = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Broadcast");
        var desktopBroadcast = Assert.Single(spans, s => s.Name == "desktop.broadcast");
        var receive = Assert.Single(spans, s => s.Name == "listener.receive");
        Assert.Equal(traceId, broadcastRpc.TraceId);
        Assert.Equal(nodeSpanId, broadcastRpc.ParentSpanId);
        Assert.Equal(traceId, desktopBroadcast.TraceId);
        Assert.Equal(broadcastRpc.SpanId, desktopBroadcast.ParentSpanId);
        var link = Assert.Single(receive.Span.Links);
        Assert.Equal(traceId, OtlpValues.Hex(link.TraceId));
        Assert.Equal(desktopBroadcast.SpanId, OtlpValues.Hex(link.SpanId));
        Assert.Equal(receive.TraceParent, windowEvent.Traceparent);
    }
}
