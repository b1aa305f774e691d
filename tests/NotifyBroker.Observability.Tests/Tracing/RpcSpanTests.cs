using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Observability;
using NotifyBroker.Contracts.Observability;
using NotifyBroker.Server.Observability;
using NotifyBroker.Observability.Tests.TestSupport;
using static NotifyBroker.Observability.Tests.Otlp.Trace.Span.Types;
using SpanStatusCode = NotifyBroker.Observability.Tests.Otlp.Trace.Status.Types.StatusCode;

namespace NotifyBroker.Observability.Tests.Tracing;

/// <summary>
/// RPC spans as a backend receives them: the real host exports through the real OTLP exporter to the in-test
/// receiver, over OTLP/gRPC (served by our own gRPC layer) and OTLP/HTTP protobuf.
/// </summary>
public sealed class RpcSpanTests
{
    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public async Task A_Send_exports_client_span_then_server_span_then_the_desktop_call(OtlpProtocol protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync(protocol);
        await using var broker = await TracedBroker.StartAsync(receiver, $"Desktop:InMemory:Capabilities={DesktopCapabilities.Sessions}");
        broker.Desktop.AddSession(2, "alice");

        var reply = await broker.Client.SendAsync("alice", "hello");
        Assert.Equal(SendPath.Session, reply.Path);

        var spans = await receiver.WaitForSpansAsync(
            s => s.Any(x => x.Name == "desktop.send_to_session") && s.Any(x => x.Kind == SpanKind.Server) && s.Any(x => x.Kind == SpanKind.Client),
            broker.Flush);

        var client = Assert.Single(spans, s => s.Kind == SpanKind.Client && s.Name == "notify.v1.Notifier/Send");
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Send");
        var desktop = Assert.Single(spans, s => s.Name == "desktop.send_to_session");

        // One trace: client → server (parent from the traceparent metadata) → desktop call.
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(server.TraceId, desktop.TraceId);
        Assert.Equal(server.SpanId, desktop.ParentSpanId);
        Assert.Equal(SpanKind.Client, desktop.Kind);
        Assert.Equal("alice", desktop.Attributes["notify.msg_name"]);

        // The RPC semantic conventions on both sides.
        var port = (long)new Uri(broker.Address).Port;
        foreach (var rpc in new[] { client, server })
        {
            Assert.Equal("grpc", rpc.Attributes[RpcAttributes.System]);
            Assert.Equal("notify.v1.Notifier", rpc.Attributes[RpcAttributes.Service]);
            Assert.Equal("Send", rpc.Attributes[RpcAttributes.Method]);
            Assert.Equal(0L, rpc.Attributes[RpcAttributes.GrpcStatusCode]);
            Assert.Equal("127.0.0.1", rpc.Attributes[RpcAttributes.ServerAddress]);
            Assert.Equal(port, rpc.Attributes[RpcAttributes.ServerPort]);
            Assert.Equal(SpanStatusCode.Unset, rpc.StatusCode);
        }

        Assert.Equal("127.0.0.1", server.Attributes[RpcAttributes.ClientAddress]);

        // Scopes and resource: who made each span, and the service as OTEL_SERVICE_NAME names it.
        Assert.Equal(RpcTelemetry.Name, server.Scope.Name);
        Assert.Equal(BrokerTelemetry.Name, desktop.Scope.Name);
        Assert.Equal(TracedBroker.ServiceName, server.ResourceAttributes["service.name"]);
    }

    [Fact]
    public async Task A_failed_desktop_call_carries_its_Win32_code_and_the_rpc_its_grpc_status()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);
        await using var broker = await TracedBroker.StartAsync(receiver, $"Desktop:InMemory:Capabilities={DesktopCapabilities.Sessions}");

        var failure = await Assert.ThrowsAsync<NotifyBroker.Client.NotifyException>(() => broker.Client.SendAsync("nobody", "hello"));
        Assert.Equal(Win32Error.NERR_NameNotFound, failure.Win32Code);

        var spans = await receiver.WaitForSpansAsync(
            s => s.Any(x => x.Name == "desktop.send_to_session") && s.Any(x => x.Kind == SpanKind.Server) && s.Any(x => x.Kind == SpanKind.Client),
            broker.Flush);
        var client = Assert.Single(spans, s => s.Kind == SpanKind.Client && s.Name == "notify.v1.Notifier/Send");
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server && s.Name == "notify.v1.Notifier/Send");
        var desktop = Assert.Single(spans, s => s.Name == "desktop.send_to_session");

        Assert.Equal(server.SpanId, desktop.ParentSpanId);
        Assert.Equal(SpanStatusCode.Error, desktop.StatusCode);
        Assert.Equal((long)Win32Error.NERR_NameNotFound, desktop.Attributes[BrokerTelemetry.ErrorCodeAttribute]);
        Assert.Equal("NERR_NameNotFound", desktop.Attributes[BrokerTelemetry.ErrorNameAttribute]);

        // NOT_FOUND is the caller's problem: an error on the client span, but not on the server span (semconv).
        Assert.Equal(5L, server.Attributes[RpcAttributes.GrpcStatusCode]);
        Assert.Equal(SpanStatusCode.Unset, server.StatusCode);
        Assert.Equal(5L, client.Attributes[RpcAttributes.GrpcStatusCode]);
        Assert.Equal(SpanStatusCode.Error, client.StatusCode);
    }

    [Fact]
    public async Task A_server_fault_makes_the_server_span_an_error()
    {
        await using var receiver = await OtlpReceiver.StartAsync(OtlpProtocol.Grpc);

        // The in-memory desktop without a session path answers ERROR_NOT_SUPPORTED: UNIMPLEMENTED, a server-side fault.
        await using var broker = await TracedBroker.StartAsync(receiver);
        var failure = await Assert.ThrowsAsync<NotifyBroker.Client.NotifyException>(() => broker.Client.SendAsync("nobody", "hello"));

        var spans = await receiver.WaitForSpansAsync(s => s.Any(x => x.Kind == SpanKind.Server), broker.Flush);
        var server = Assert.Single(spans, s => s.Kind == SpanKind.Server);
        Assert.Equal((long)failure.StatusCode, server.Attributes[RpcAttributes.GrpcStatusCode]);
        Assert.Equal(RpcServerTelemetryInterceptor.IsServerFault(failure.StatusCode) ? SpanStatusCode.Error : SpanStatusCode.Unset, server.StatusCode);
    }
}
