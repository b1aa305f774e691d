using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class ObserverTests
{
    [Fact]
    public async Task Every_routed_call_is_observed_from_start_to_final_status()
    {
        var observer = new RecordingObserver();
        await using var server = await TestGrpcServer.StartAsync(services: s => s.AddSingleton<IServerCallObserver>(observer));
        using var client = server.CreateHttp2Client();

        await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "ok" });
        await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { FailWithCode = 7, FailWithMessage = "no" });
        await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "throw" });

        Assert.Equal(
            new[]
            {
                "/nb.grpc.tests.Echo/Unary OK state-1 -",
                "/nb.grpc.tests.Echo/Unary PermissionDenied state-2 RpcException",
                "/nb.grpc.tests.Echo/Unary Unknown state-3 InvalidOperationException",
            },
            observer.Completed.ToArray());
    }

    private sealed class RecordingObserver : IServerCallObserver
    {
        private int _started;

        public ConcurrentQueue<string> Completed { get; } = new();

        public object? OnCallStarting(ServerCallContext context) => "state-" + Interlocked.Increment(ref _started);

        public void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception) =>
            Completed.Enqueue($"{context.Method} {status.StatusCode} {state} {exception?.GetType().Name ?? "-"}");
    }
}
