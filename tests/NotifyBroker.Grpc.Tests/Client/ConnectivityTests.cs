using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

public sealed class ConnectivityTests
{
    [Fact]
    public async Task Unreachable_server_is_UNAVAILABLE()
    {
        // A port that was free a moment ago and has nobody listening on it now.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
        var streamError = await Assert.ThrowsAsync<RpcException>(() =>
            channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest()).ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.Unavailable, streamError.StatusCode);
    }

    [Fact]
    public async Task Many_concurrent_calls_share_the_channel()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var request = (await RawGrpc.ReadAllFramesAsync(context.Request)).Single().Parse(EchoRequest.Parser);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = request.Text });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var calls = Enumerable.Range(0, 300)
            .Select(i => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "n" + i }).ResponseAsync)
            .ToArray();
        var responses = await Task.WhenAll(calls).Within();

        Assert.Equal(Enumerable.Range(0, 300).Select(i => "n" + i), responses.Select(r => r.Text));
    }

    [Fact]
    public async Task Call_observer_sees_start_and_end_and_can_add_headers()
    {
        var traceparent = new TaskCompletionSource<string>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            traceparent.SetResult(context.Request.Headers["traceparent"].ToString());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.SetTrailersOnlyStatus(context.Response, 5, "gone");
        });
        var observer = new RecordingObserver();
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { CallObserver = observer });

        Assert.Null(Activity.Current);
        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());
        Assert.Null(Activity.Current); // the observer's span does not leak into the caller
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", await traceparent.Task.Within());
        var started = Assert.Single(observer.Started);
        Assert.Equal(("nb.grpc.tests.Echo", "Unary", MethodType.Unary), started);
        var (state, status) = Assert.Single(observer.Ended);
        Assert.Equal("span-1", state);
        Assert.Equal(StatusCode.NotFound, status.StatusCode);
    }

    private sealed class RecordingObserver : ClientCallObserver
    {
        public List<(string Service, string Method, MethodType Type)> Started { get; } = [];

        public List<(object? State, Status Status)> Ended { get; } = [];

        public override object? CallStarting(ClientCallStart call)
        {
            Activity.Current = new Activity("client-span").Start();
            call.SetHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            lock (Started)
            {
                Started.Add((call.ServiceName, call.MethodName, call.MethodType));
            }

            return "span-" + Started.Count;
        }

        public override void CallEnded(object? state, Status status)
        {
            lock (Ended)
            {
                Ended.Add((state, status));
            }
        }
    }
}
