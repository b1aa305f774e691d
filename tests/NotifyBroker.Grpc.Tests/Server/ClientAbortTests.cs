using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protocol;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// A client that resets its stream or drops its connection while the server reads the request is cancelling the
/// call: the handler's read ends with OperationCanceledException, the call ends CANCELLED, and the server logs it
/// at debug level, never as a handler error.
/// </summary>
public sealed class ClientAbortTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly CompletionObserver _observer = new();
    private TestGrpcServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(services: services =>
        {
            services.AddSingleton<ILoggerProvider>(_logs);
            services.Configure<LoggerFilterOptions>(filter => filter.MinLevel = LogLevel.Trace);
            services.AddSingleton<IServerCallObserver>(_observer);
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_reset_while_the_handler_reads_the_request_stream_cancels_the_read_and_is_not_an_error()
    {
        using var client = _server.CreateHttp2Client();
        var content = new PushContent();
        using var cancel = new CancellationTokenSource();
        var call = client.SendAsync(RawGrpc.Request(EchoService.ClientStreamMethod.FullName, content), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "read-until-reset" }));
        await _server.Echo.HandlerWaiting.Task.WaitAsync(ServerAssert.Guard);

        // A request body that fails mid-way makes SocketsHttpHandler send RST_STREAM(CANCEL).
        content.Abort();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(ServerAssert.Guard));

        await AssertCancelledQuietlyAsync(expectReadOutcome: true);
    }

    [Fact]
    public async Task A_dropped_connection_while_the_handler_reads_the_request_stream_cancels_the_read_and_is_not_an_error()
    {
        var connections = new List<Socket>();
        using var client = _server.CreateHttp2Client(connections);
        var content = new PushContent();
        var call = RawGrpc.CallAsync(client, RawGrpc.Request(EchoService.ClientStreamMethod.FullName, content));
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "read-until-reset" }));
        await _server.Echo.HandlerWaiting.Task.WaitAsync(ServerAssert.Guard);

        CutConnections(connections);
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(ServerAssert.Guard));

        await AssertCancelledQuietlyAsync(expectReadOutcome: true);
    }

    [Fact]
    public async Task A_reset_inside_a_unary_request_message_ends_the_call_cancelled_without_an_error()
    {
        using var client = _server.CreateHttp2Client();
        var content = new PushContent();
        using var cancel = new CancellationTokenSource();
        var call = client.SendAsync(RawGrpc.Request(EchoService.UnaryMethod.FullName, content), HttpCompletionOption.ResponseHeadersRead, cancel.Token);

        // The prefix announces 100 bytes; only 3 come before the reset.
        await content.WriteAsync([0, 0, 0, 0, 100, 1, 2, 3]);
        await _observer.Started.Task.WaitAsync(ServerAssert.Guard);
        content.Abort();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(ServerAssert.Guard));

        await AssertCancelledQuietlyAsync(expectReadOutcome: false);
    }

    [Fact]
    public async Task A_dropped_connection_inside_a_unary_request_message_ends_the_call_cancelled_without_an_error()
    {
        var connections = new List<Socket>();
        using var client = _server.CreateHttp2Client(connections);
        var content = new PushContent();
        var call = RawGrpc.CallAsync(client, RawGrpc.Request(EchoService.UnaryMethod.FullName, content));
        await content.WriteAsync(FrameBytes.Frame(0, new byte[100])[..20]);
        await _observer.Started.Task.WaitAsync(ServerAssert.Guard);

        CutConnections(connections);
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(ServerAssert.Guard));

        await AssertCancelledQuietlyAsync(expectReadOutcome: false);
    }

    private async Task AssertCancelledQuietlyAsync(bool expectReadOutcome)
    {
        if (expectReadOutcome)
        {
            var outcome = await _server.Echo.RequestReadOutcome.Task.WaitAsync(ServerAssert.Guard);
            Assert.IsAssignableFrom<OperationCanceledException>(outcome);
        }

        var status = await _observer.Completed.Task.WaitAsync(ServerAssert.Guard);
        Assert.Equal(StatusCode.Cancelled, status.StatusCode);

        var entries = _logs.Entries.ToArray();
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(entries, e => e.Level == LogLevel.Debug && e.Category == "NotifyBroker.Grpc.Server" && e.Message.Contains("cancel", StringComparison.OrdinalIgnoreCase));
        await ServerAssert.HealthyAsync(_server);
    }

    private static void CutConnections(List<Socket> connections)
    {
        // RST, no GOAWAY: like a crashed client or a pulled cable.
        lock (connections)
        {
            foreach (var socket in connections)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
        }
    }

    /// <summary>When the first observed call started, and the status it ended with (reported after the server's own logging).</summary>
    private sealed class CompletionObserver : IServerCallObserver
    {
        public TaskCompletionSource<Status> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object? OnCallStarting(ServerCallContext context)
        {
            Started.TrySetResult();
            return null;
        }

        public void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception) =>
            Completed.TrySetResult(status);
    }
}
